"""Registration with a waiting list, meeting requests with caps and expiry, and hand
changes to meetings checked against the schedule's validity rules."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from silkbridge.events import domain, queries
from silkbridge.events.enums import MeetingState, RegistrationStatus, RequestStatus
from silkbridge.events.models import Event, Meeting, MeetingRequest, Registration
from silkbridge.scheduling import parse_instance
from silkbridge.scheduling.validate import violations
from tests.events.conftest import accepted, make_event, participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def register(event: Event, category: str = "scholar", **user: Any) -> Registration:
    person = UserFactory(**user)
    return domain.register_for_event(
        event=event, user=person, category=event.categories.get(category=category), actor=person
    )


def test_title_falls_back_to_the_events_first_language(organiser: Any) -> None:
    event = make_event(organiser)
    event.titles = {"zh-hans": "科技博览会", "fr": "Salon"}
    event.languages = ["zh-hans", "en"]
    with translation.override("ru"):
        assert event.title == "科技博览会"
    with translation.override("fr"):
        assert event.title == "Salon"


def test_a_full_category_puts_people_on_the_waiting_list_and_promotes_them_in_order(
    organiser: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(organiser, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = register(event), register(event)
        third, fourth = register(event), register(event)
    assert [r.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert "waiting list" in mail.outbox[2].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = domain.cancel_registration(first, actor=first.user)
    assert promoted is not None and promoted.pk == third.pk
    assert Registration.objects.get(pk=fourth.pk).status == RegistrationStatus.WAITING
    assert [m.to for m in mail.outbox] == [[third.user.email]]
    assert event.categories.get(category="scholar").registrations.filter(status="confirmed").count() == 2


def test_cancelling_a_waiting_registration_promotes_nobody(organiser: Any) -> None:
    event = make_event(organiser, capacity=1)
    register(event)
    waiting = register(event)
    assert domain.cancel_registration(waiting, actor=None) is None


def test_the_confirmation_is_written_in_the_participants_language(
    organiser: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(organiser)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        register(event)
    assert mail.outbox[0].subject.startswith("Votre inscription")


def test_registering_twice_is_refused(organiser: Any) -> None:
    event = make_event(organiser)
    registration = register(event)
    with pytest.raises(domain.RegistrationError):
        domain.register_for_event(
            event=event, user=registration.user, category=registration.category, actor=registration.user
        )


def test_request_cap_holds_and_an_expired_request_frees_the_quota(organiser: Any) -> None:
    event = make_event(organiser, request_cap=2)
    ana, bo, chen, dina = (participant(event, n) for n in ("Ana", "Bo", "Chen", "Dina"))
    domain.send_meeting_request(requester=ana, recipient=bo, reason="water", actor=None)
    first = domain.send_meeting_request(requester=ana, recipient=chen, reason="seeds", actor=None)
    with pytest.raises(domain.RequestError, match="limit of 2"):
        domain.send_meeting_request(requester=ana, recipient=dina, reason="solar", actor=None)
    assert domain.expire_requests(now=first.expires_at + timedelta(seconds=1)) == 2
    assert domain.expire_requests(now=first.expires_at + timedelta(seconds=1)) == 0  # idempotent
    assert MeetingRequest.objects.get(pk=first.pk).status == RequestStatus.EXPIRED
    domain.send_meeting_request(requester=ana, recipient=dina, reason="solar", actor=None)


def test_requests_expire_after_the_configured_time(organiser: Any) -> None:
    event = make_event(organiser, request_expiry_hours=48)
    ana, bo = participant(event, "Ana"), participant(event, "Bo")
    request = domain.send_meeting_request(requester=ana, recipient=bo, reason="water", actor=None)
    assert request.expires_at is not None
    assert abs(request.expires_at - timezone.now() - timedelta(hours=48)) < timedelta(minutes=1)
    assert domain.expire_requests(now=timezone.now() + timedelta(hours=47)) == 0


def test_a_request_to_oneself_twice_or_to_an_unlisted_person_is_refused(people: list[Registration]) -> None:
    ana, bo, chen, _dina = people
    with pytest.raises(domain.RequestError):
        domain.send_meeting_request(requester=ana, recipient=ana, reason="x", actor=None)
    domain.send_meeting_request(requester=ana, recipient=bo, reason="x", actor=None)
    with pytest.raises(domain.RequestError):
        domain.send_meeting_request(requester=bo, recipient=ana, reason="x", actor=None)
    Registration.objects.filter(pk=chen.pk).update(b2b_opt_in=False)
    chen.refresh_from_db()
    with pytest.raises(domain.RequestError):
        domain.send_meeting_request(requester=ana, recipient=chen, reason="x", actor=None)


def test_an_answered_request_cannot_be_answered_again(people: list[Registration]) -> None:
    request = domain.send_meeting_request(requester=people[0], recipient=people[1], reason="x", actor=None)
    domain.decline_meeting_request(request, reason="no_time", actor=None)
    with pytest.raises(domain.RequestError):
        domain.accept_meeting_request(request, actor=None)
    assert MeetingRequest.objects.get(pk=request.pk).decline_reason == "no_time"


def rules_hold(event: Event) -> list[str]:
    """The engine's own validator (rules 1-4) on the event's meetings."""
    view = queries.engine_view(event)
    meetings = [
        __import__("silkbridge.scheduling.model", fromlist=["Meeting"]).Meeting(m.request.engine_id, m.slot.label,
                                                                               m.table.name)
        for m in queries.event_meetings(event)
    ]  # fmt: skip
    return violations(parse_instance(view.data), meetings, partial=True)


def test_hand_changes_are_refused_when_they_break_a_rule(event: Event, people: list[Registration]) -> None:
    ana, bo, chen, dina = people
    s9, s10, _s11 = event.slots.all()
    t1, t2 = event.tables.all()
    ab, ac, cd = accepted(ana, bo), accepted(ana, chen), accepted(chen, dina)
    meeting = domain.place_meeting(ab, slot=s9, table=t1, actor=None)
    with pytest.raises(domain.MeetingRuleError, match="already has a meeting"):
        domain.place_meeting(ac, slot=s9, table=t2, actor=None)
    with pytest.raises(domain.MeetingRuleError, match="table is taken"):
        domain.place_meeting(cd, slot=s9, table=t1, actor=None)
    with pytest.raises(domain.MeetingRuleError, match="already meet"):
        domain.place_meeting(accepted(bo, ana), slot=s10, table=t2, actor=None)
    Registration.objects.filter(pk=chen.pk).update(available_slots=[s9.pk])
    with pytest.raises(domain.MeetingRuleError, match="not available"):
        domain.place_meeting(cd, slot=s10, table=t1, actor=None)
    Registration.objects.filter(pk=ana.pk).update(max_meetings=1)
    with pytest.raises(domain.MeetingRuleError, match="meeting limit"):
        domain.place_meeting(ac, slot=s10, table=t1, actor=None)
    domain.place_meeting(cd, slot=s9, table=t2, actor=None)
    with pytest.raises(domain.MeetingRuleError, match="table is taken"):
        domain.move_meeting(meeting, slot=s9, table=t2, actor=None)
    domain.move_meeting(meeting, slot=s10, table=t2, actor=None)
    assert Meeting.objects.get(pk=meeting.pk).pinned
    assert rules_hold(event) == []


def test_a_pending_request_cannot_be_placed(event: Event, people: list[Registration]) -> None:
    request = domain.send_meeting_request(requester=people[0], recipient=people[1], reason="x", actor=None)
    with pytest.raises(domain.MeetingRuleError):
        domain.place_meeting(request, slot=event.slots.first(), table=event.tables.first(), actor=None)


def test_a_run_keeps_pinned_and_published_meetings_and_replaces_drafts(
    event: Event, people: list[Registration]
) -> None:
    ana, bo, chen, dina = people
    *_earlier, s11 = event.slots.all()
    _t1, t2 = event.tables.all()
    pinned = domain.place_meeting(accepted(ana, bo), slot=s11, table=t2, actor=None)
    accepted(chen, dina, weight=2.0)
    accepted(ana, chen)
    run = domain.schedule_event(domain.request_schedule(event, actor=None, time_limit=2))
    assert run.status == "done" and run.ratio == pytest.approx(1.0, abs=1e-6)
    assert Meeting.objects.get(pk=pinned.pk).slot == s11
    assert event.meetings.count() == 3
    assert domain.publish_schedule(event, actor=None) == 3
    published = set(event.meetings.values_list("pk", "slot_id", "table_id"))
    domain.schedule_event(domain.request_schedule(event, actor=None, time_limit=2))
    assert set(event.meetings.values_list("pk", "slot_id", "table_id")) == published
    assert set(event.meetings.values_list("state", flat=True)) == {MeetingState.PUBLISHED}
    assert rules_hold(event) == []


def test_removing_a_slot_that_holds_meetings_is_refused(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    first = event.slots.first()
    domain.place_meeting(accepted(people[0], people[1]), slot=first, table=event.tables.first(), actor=None)
    with pytest.raises(domain.SetupError):
        domain.save_event(event, data={}, categories={"scholar": 10, "official": None}, slots=[], table_count=2,
                          actor=organiser)  # fmt: skip
    assert event.slots.count() == 3
