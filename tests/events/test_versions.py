"""The programme published as numbered versions with a public changelog; participants
bookmark sessions and are told by e-mail (a background task) when a version changes one."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from silkbridge.events import changelog, domain
from silkbridge.events.models import Event, ProgrammeVersion, Registration, Session, SessionBookmark
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def session(event: Event, title: str, room: str, start: datetime, end: datetime,
            speakers: list[Registration] | None = None, existing: Session | None = None) -> Session:  # fmt: skip
    data = {"event": event, "titles": {"en": title, "zh-hans": f"{title}（中文）"}, "room": room, "starts_at": start,
            "ends_at": end, "track": "", "language": "en"}  # fmt: skip
    return domain.save_session(existing or Session(event=event), data=data, speakers=speakers or [], actor=None)


@pytest.fixture
def programme(event: Event, people: list[Registration]) -> dict[str, Session]:
    ana, bo = people[0], people[1]
    sessions = {
        "soil": session(event, "Soil health", "Hall A", at(10), at(10, 40), [ana]),
        "solar": session(event, "Solar pumps", "Hall B", at(11), at(11, 30), [bo]),
        "seeds": session(event, "Seed banks", "Hall C", at(14), at(15)),
    }
    domain.publish_programme(event, actor=None)
    return sessions


def republish(event: Event, programme: dict[str, Session], people: list[Registration]) -> ProgrammeVersion:
    """Version 2: soil moves to 11:30, solar changes room and speaker, seeds is cancelled,
    a new session is added."""
    soil, solar = programme["soil"], programme["solar"]
    session(event, "Soil health", "Hall A", at(11, 30), at(12, 10), [people[0]], existing=soil)
    session(event, "Solar pumps", "Hall D", at(11), at(11, 30), [people[2]], existing=solar)
    domain.delete_session(programme["seeds"], actor=None)
    session(event, "Drip irrigation", "Hall C", at(15), at(15, 30))
    return domain.publish_programme(event, actor=None)


def test_each_publication_is_a_version_with_its_changes(
    event: Event, programme: dict[str, Session], people: list[Registration]
) -> None:
    first = event.programme_versions.get()
    assert first.number == 1 and first.changes == [] and len(first.sessions) == 3
    seeds = programme["seeds"].pk
    version = republish(event, programme, people)
    assert version.number == 2
    assert [(c["kind"], c["session"]) for c in version.changes] == [
        ("room", programme["solar"].pk), ("speakers", programme["solar"].pk), ("moved", programme["soil"].pk),
        ("added", Session.objects.get(titles__en="Drip irrigation").pk), ("cancelled", seeds),
    ]  # fmt: skip
    lines = [changelog.describe(c, event) for c in version.changes]
    assert "“Soil health” moved from 10:00 to 11:30." in lines
    assert "“Solar pumps” moved from room Hall B to room Hall D." in lines
    assert "The speakers of “Solar pumps” changed: Chen (before: Bo)." in lines
    assert "“Seed banks” (Tue 10 Nov, 14:00–15:00) was cancelled." in lines
    with pytest.raises(domain.ProgrammeError, match="Nothing changed since version 2"):
        domain.publish_programme(event, actor=None)
    assert event.programme_versions.count() == 2


def test_an_empty_programme_cannot_be_published(event: Event) -> None:
    with pytest.raises(domain.ProgrammeError, match="no session yet"):
        domain.publish_programme(event, actor=None)
    assert not ProgrammeVersion.objects.exists()


def test_the_public_programme_and_changelog_show_published_versions_in_the_readers_language(
    organiser: Any, event: Event, programme: dict[str, Session], people: list[Registration]
) -> None:
    session(event, "Soil health", "Hall A", at(11, 30), at(12, 10), [people[0]], existing=programme["soil"])
    public = reverse("events:programme", args=[event.slug])
    assert "10:00" in client_for(None).get(public).content.decode()  # the draft's 11:30 is not public yet
    assert "11:30–12:10" not in client_for(None).get(public).content.decode()
    draft = client_for(organiser).get(reverse("events:programme_draft", args=[event.slug])).content.decode()
    assert "“Soil health” moved from 10:00 to 11:30." in draft and "Publish version 2" in draft
    response = client_for(organiser).post(reverse("events:publish_programme", args=[event.slug]))
    assert response.status_code == 302 and event.programme_versions.count() == 2
    assert "11:30–12:10" in client_for(None).get(public).content.decode()
    with translation.override("zh-hans"):
        changes = client_for(None).get(reverse("events:programme_changes", args=[event.slug])).content.decode()
    assert "Soil health（中文）" in changes and "11:30" in changes and "moved from" not in changes
    [api_soil] = [s for s in client_for(None).get(f"/api/v1/events/{event.slug}/sessions").json()
                  if s["title"] == "Soil health"]  # fmt: skip
    assert api_soil["starts_at"].startswith("2026-11-10T11:30:00")


def test_only_the_organisers_see_the_draft_and_publish(
    organiser: Any, event: Event, programme: dict[str, Session], people: list[Registration]
) -> None:
    draft = reverse("events:programme_draft", args=[event.slug])
    publish = reverse("events:publish_programme", args=[event.slug])
    session(event, "Secret title", "Hall A", at(16), at(17))
    for user, code in ((people[0].user, 403), (UserFactory(is_event_organiser=True), 403), (None, 302)):
        assert client_for(user).get(draft).status_code == code
        assert client_for(user).post(publish).status_code == code
        assert (
            "Secret title" not in client_for(user).get(reverse("events:programme", args=[event.slug])).content.decode()
        )
        changes = client_for(user).get(reverse("events:programme_changes", args=[event.slug]))
        assert changes.status_code == 200 and "Secret title" not in changes.content.decode()
    assert event.programme_versions.count() == 1


def test_a_participant_bookmarks_with_a_keyboard_usable_toggle(
    event: Event, programme: dict[str, Session], people: list[Registration]
) -> None:
    ana, soil = people[0], programme["soil"]
    url = reverse("events:bookmark", args=[event.slug])
    page = client_for(ana.user).get(reverse("events:programme", args=[event.slug])).content.decode()
    assert 'aria-pressed="false"' in page and '<button type="submit"' in page
    response = client_for(ana.user).post(url, {"session": soil.pk, "on": "1"}, headers={"HX-Request": "true"})
    assert 'aria-pressed="true"' in response.content.decode() and "<html" not in response.content.decode()
    assert list(SessionBookmark.objects.values_list("registration", "session_key")) == [(ana.pk, soil.pk)]
    agenda = client_for(ana.user).get(reverse("events:agenda", args=[event.slug])).content.decode()
    assert "Sessions I bookmarked" in agenda and "Soil health" in agenda and "Seed banks" not in agenda
    ics = client_for(ana.user).get(reverse("events:agenda_ics", args=[event.slug])).content.decode()
    assert "SUMMARY:Soil health" in ics and ics.count("BEGIN:VEVENT") == 1  # her talk and bookmark, once
    response = client_for(ana.user).post(url, {"session": soil.pk})  # without JavaScript: back to the programme
    assert response.status_code == 302 and not SessionBookmark.objects.exists()
    draft_only = session(event, "Not published", "Hall E", at(16), at(17))
    client_for(ana.user).post(url, {"session": draft_only.pk, "on": "1"})
    assert not SessionBookmark.objects.exists()
    outsider = UserFactory()
    assert client_for(outsider).post(url, {"session": soil.pk, "on": "1"}).status_code == 403
    assert client_for(None).post(url, {"session": soil.pk, "on": "1"}).status_code == 302
    assert not SessionBookmark.objects.exists()


def test_bookmarkers_of_changed_sessions_are_emailed_after_commit_in_their_language(
    event: Event, programme: dict[str, Session], people: list[Registration], django_capture_on_commit_callbacks: Any
) -> None:
    ana, bo, chen, dina = people
    Registration.objects.filter(pk=bo.pk).update(language="fr")
    for person, key in ((ana, "soil"), (ana, "seeds"), (bo, "seeds"), (chen, "soil"), (dina, "solar")):
        domain.set_bookmark(person, session_key=programme[key].pk, on=True)
    cancelled = programme["seeds"].pk
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = republish(event, programme, people)
    assert mail.outbox == [] and len(callbacks) == 1  # nothing is sent inside the request
    callbacks[0]()  # the task, as a worker runs it
    sent = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 4 and version.number == 2
    to_ana = sent[ana.user.email].body
    assert "“Soil health” moved from 10:00 to 11:30." in to_ana and "“Seed banks” (Tue 10 Nov, 14:00–15:00)" in to_ana
    assert "Solar pumps" not in to_ana
    assert "Seed banks" in sent[bo.user.email].body and "Dear" not in sent[bo.user.email].body  # in French
    assert "Solar pumps" in sent[dina.user.email].body
    assert not SessionBookmark.objects.filter(session_key=cancelled).exists()
    assert SessionBookmark.objects.count() == 3
