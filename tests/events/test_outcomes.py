"""An agreement reached in a meeting, carried into the cooperation registry as a draft
submitted for review (or published, when a moderator carries it)."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership
from silkbridge.cooperation.enums import ReviewStatus
from silkbridge.cooperation.models import Agreement, Project
from silkbridge.core.models import AuditEntry
from silkbridge.events import domain
from silkbridge.events.models import Event, Meeting, MeetingFeedback, MeetingSlot, Registration
from tests.conftest import client_for
from tests.events.conftest import accepted
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(event: Event, people: list[Registration], reference: Any) -> Meeting:
    """Ana (editor of her institute) met Bo (of another institute); it has begun."""
    ana, bo = people[0], people[1]
    for person, name, country in ((ana, "Nairobi Soil Institute", "KE"), (bo, "Yunnan Seed Academy", "CN")):
        organisation = OrganisationFactory(name=name, country_id=country)
        person.user.organisation = organisation
        person.user.save(update_fields=["organisation"])
    Membership.objects.create(user=ana.user, organisation=ana.user.organisation, role=MembershipRole.EDITOR)
    meeting = domain.place_meeting(accepted(ana, bo), slot=event.slots.first(), table=event.tables.first(), actor=None)
    domain.publish_schedule(event, actor=None)
    MeetingSlot.objects.filter(pk=meeting.slot_id).update(starts_at=timezone.now() - timedelta(hours=1))
    return meeting


def carry(user: Any, event: Event, meeting: Meeting) -> Any:
    return client_for(user).post(reverse("events:carry_agreement", args=[event.slug, meeting.pk]))


def answer(user: Any, event: Event, meeting: Meeting, outcome: str) -> None:
    client_for(user).post(
        reverse("events:feedback", args=[event.slug, meeting.pk]), {"happened": "yes", "outcome": outcome}
    )


def test_an_agreement_becomes_a_draft_submitted_for_review(
    event: Event, people: list[Registration], held: Meeting
) -> None:
    ana = people[0]
    answer(ana.user, event, held, "agreement")
    agenda = client_for(ana.user).get(reverse("events:agenda", args=[event.slug])).content.decode()
    assert "Add this agreement to the cooperation registry" in agenda
    response = carry(ana.user, event, held)
    agreement = Agreement.all_records.get()
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert not agreement.is_published and agreement.review_status == ReviewStatus.SUBMITTED
    assert agreement.submitted_by == ana.user and agreement.kind == "institutional"
    assert {p.organisation.name for p in agreement.parties.all()} == {"Nairobi Soil Institute", "Yunnan Seed Academy"}
    assert agreement.title == "Agreement between Nairobi Soil Institute and Yunnan Seed Academy"
    assert "S&T Expo" in agreement.summaries["en"]
    assert MeetingFeedback.objects.get(registration=ana).agreement == agreement
    assert AuditEntry.objects.filter(action="carry").count() == 1
    # Carried once: the agenda links to it, and a second post adds nothing.
    assert "The agreement in the cooperation registry" in client_for(ana.user).get(
        reverse("events:agenda", args=[event.slug])).content.decode()  # fmt: skip
    carry(ana.user, event, held)
    assert Agreement.all_records.count() == 1
    # The submitter sees the draft; the public does not.
    assert client_for(ana.user).get(agreement.get_absolute_url()).status_code == 200
    assert client_for(None).get(agreement.get_absolute_url()).status_code == 404


def test_a_moderator_carrying_it_publishes_it(event: Event, people: list[Registration], held: Meeting) -> None:
    ana = people[0]
    ana.user.is_moderator = True
    ana.user.save(update_fields=["is_moderator"])
    answer(ana.user, event, held, "agreement")
    carry(ana.user, event, held)
    assert Agreement.all_records.get().is_published


@pytest.mark.parametrize("outcome", ["contact", "negotiation", "nothing"])
def test_other_outcomes_are_not_carried(event: Event, people: list[Registration], held: Meeting, outcome: str) -> None:
    answer(people[0].user, event, held, outcome)
    carry(people[0].user, event, held)
    assert not Agreement.all_records.exists()


def test_who_may_carry_it(event: Event, organiser: Any, people: list[Registration], held: Meeting) -> None:
    """Only a side who answered "an agreement" and edits an organisation; the other side
    must have an organisation in the registry."""
    ana, bo, chen = people[0], people[1], people[2]
    answer(bo.user, event, held, "agreement")
    response = client_for(bo.user).post(reverse("events:carry_agreement", args=[event.slug, held.pk]), follow=True)
    assert "Only an editor of an organisation" in response.content.decode()  # Bo edits no organisation
    assert carry(chen.user, event, held).status_code == 404  # not a side: no answer of theirs
    assert carry(organiser, event, held).status_code == 404  # no registration
    assert carry(None, event, held).status_code == 302
    bo.user.organisation = None
    bo.user.save(update_fields=["organisation"])
    answer(ana.user, event, held, "agreement")
    response = client_for(ana.user).post(reverse("events:carry_agreement", args=[event.slug, held.pk]), follow=True)
    assert "not in the registry" in response.content.decode()
    assert not Agreement.all_records.exists()
    assert client_for(ana.user).get(reverse("events:carry_agreement", args=[event.slug, held.pk])).status_code == 405


@pytest.mark.parametrize("language", ["ar", "es", "fr", "ru", "zh-hans"])
def test_every_audit_action_of_events_has_a_label_in_each_language(language: str) -> None:
    """The history page names what events did (schedule, publish, ...), translated."""
    from django.utils import translation

    for action in ("import", "schedule", "publish", "expire", "check-in", "carry", "create", "update", "delete"):
        entry = AuditEntry(action=action)
        assert action in AuditEntry.ACTIONS
        with translation.override(language):
            label = entry.action_label
        with translation.override("en"):
            english = entry.action_label
        assert label and label != action and label != english, (language, action)


def carry_project(user: Any, event: Event, meeting: Meeting, **extra: Any) -> Any:
    return client_for(user).post(reverse("events:carry_project", args=[event.slug, meeting.pk]), **extra)


def test_an_agreement_becomes_a_project_draft_through_the_same_review(
    event: Event, people: list[Registration], held: Meeting
) -> None:
    ana = people[0]
    answer(ana.user, event, held, "agreement")
    agenda = client_for(ana.user).get(reverse("events:agenda", args=[event.slug])).content.decode()
    assert "Add it to the cooperation registry as a joint project" in agenda
    response = carry_project(ana.user, event, held)
    project = Project.all_records.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert not project.is_published and project.review_status == ReviewStatus.SUBMITTED
    assert project.submitted_by == ana.user
    assert project.title == "Joint project of Nairobi Soil Institute and Yunnan Seed Academy"
    assert "S&T Expo" in project.abstract
    roles = {p.organisation.name: p.role for p in project.partners.all()}
    assert roles == {"Nairobi Soil Institute": "coordinator", "Yunnan Seed Academy": "partner"}
    assert MeetingFeedback.objects.get(registration=ana).project == project
    # Carried once, and independently of the agreement draft.
    agenda = client_for(ana.user).get(reverse("events:agenda", args=[event.slug])).content.decode()
    assert "The project in the cooperation registry" in agenda
    assert "Add this agreement to the cooperation registry" in agenda
    response = carry_project(ana.user, event, held, follow=True)
    assert "already in the registry" in response.content.decode()
    assert Project.all_records.count() == 1 and not Agreement.all_records.exists()
    carry(ana.user, event, held)
    assert Agreement.all_records.count() == 1 and Project.all_records.count() == 1
    assert AuditEntry.objects.filter(action="carry").count() == 2
    assert client_for(None).get(project.get_absolute_url()).status_code == 404


def test_a_moderator_carrying_a_project_publishes_it(event: Event, people: list[Registration], held: Meeting) -> None:
    ana = people[0]
    ana.user.is_moderator = True
    ana.user.save(update_fields=["is_moderator"])
    answer(ana.user, event, held, "agreement")
    carry_project(ana.user, event, held)
    assert Project.all_records.get().is_published


def test_who_may_carry_a_project(event: Event, organiser: Any, people: list[Registration], held: Meeting) -> None:
    ana, bo, chen = people[0], people[1], people[2]
    answer(ana.user, event, held, "negotiation")
    response = carry_project(ana.user, event, held, follow=True)
    assert "Only a meeting that led to an agreement" in response.content.decode()
    answer(bo.user, event, held, "agreement")
    response = carry_project(bo.user, event, held, follow=True)
    assert "Only an editor of an organisation" in response.content.decode()
    assert carry_project(chen.user, event, held).status_code == 404
    assert carry_project(organiser, event, held).status_code == 404
    assert carry_project(None, event, held).status_code == 302
    assert client_for(ana.user).get(reverse("events:carry_project", args=[event.slug, held.pk])).status_code == 405
    assert not Project.all_records.exists()
    assert not MeetingFeedback.objects.filter(project__isnull=False).exists()
