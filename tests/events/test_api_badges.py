"""Badges and check-in through the API: organisers and staff fetch any confirmed
participant's badge and check codes in (the desk's domain function, recorded once); a
participant fetches their own badge; nobody else gets a badge or checks anyone in."""

from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from silkbridge.accounts.domain import create_api_token
from silkbridge.core.models import AuditEntry
from silkbridge.events.models import Event, Registration
from tests.events.conftest import make_event, participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def headers(user: Any) -> dict[str, str]:
    if user is None:
        return {}
    _token, key = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def get(path: str, user: Any = None) -> Any:
    return Client().get(f"/api/v1/events/expo{path}", **headers(user))


def check_in(code: str, user: Any = None, slug: str = "expo") -> Any:
    return Client().post(
        f"/api/v1/events/{slug}/check-in", {"code": code}, content_type="application/json", **headers(user)
    )


def pdf_text(response: Any) -> str:
    import io

    assert response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_organisers_and_staff_fetch_a_participants_badge(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    ana = people[0]
    for user in (organiser, UserFactory(is_staff=True)):
        response = get(f"/registrations/{ana.pk}/badge", user)
        assert response.status_code == 200
        text = pdf_text(response)
        assert "Ana" in text and ana.badge_secret[:4] in text
        assert "no-store" in response["Cache-Control"]


def test_a_participant_fetches_their_own_badge_and_nobody_elses(event: Event, people: list[Registration]) -> None:
    ana, bo = people[0], people[1]
    response = get("/my/badge", ana.user)
    assert response.status_code == 200 and "Ana" in pdf_text(response)
    assert get(f"/registrations/{bo.pk}/badge", ana.user).status_code == 403
    assert get(f"/registrations/{ana.pk}/badge", ana.user).status_code == 403  # only through /my/badge


def test_badge_permission_matrix(event: Event, organiser: Any, people: list[Registration]) -> None:
    ana = people[0]
    other_organiser = UserFactory(is_event_organiser=True)
    stranger = UserFactory()
    expected = {
        "organiser": (organiser, 200, 404),
        "staff": (UserFactory(is_staff=True), 200, 404),
        "participant": (ana.user, 403, 200),
        "other participant": (people[1].user, 403, 200),
        "other organiser": (other_organiser, 403, 404),
        "token holder, not registered": (stranger, 403, 404),
        "anonymous": (None, 401, 401),
    }
    for role, (user, theirs, own) in expected.items():
        assert get(f"/registrations/{ana.pk}/badge", user).status_code == theirs, role
        assert get("/my/badge", user).status_code == own, role


def test_no_badge_for_the_waiting_list_another_event_or_a_hidden_event(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    ana = people[0]
    ana.status = "waiting"
    ana.save(update_fields=["status"])
    assert get(f"/registrations/{ana.pk}/badge", organiser).status_code == 404
    assert get("/my/badge", ana.user).status_code == 404
    elsewhere = participant(make_event(organiser, slug="other"), "Eve")
    assert get(f"/registrations/{elsewhere.pk}/badge", organiser).status_code == 404
    make_event(organiser, slug="hidden", is_public=False)
    assert Client().get("/api/v1/events/hidden/my/badge", **headers(people[1].user)).status_code == 404


def test_a_code_checks_in_once_and_then_answers_already(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    ana = people[0]
    typed = "-".join([ana.badge_secret[:4].lower(), ana.badge_secret[4:]])
    first = check_in(typed, organiser).json()
    assert first["result"] == "checked-in" and first["code"] == ana.badge_secret
    assert first["registration"] == {"id": ana.pk, "name": "Ana", "organisation": "Ana Institute",
                                     "category": "official"}  # fmt: skip
    again = check_in(ana.badge_secret, UserFactory(is_staff=True)).json()
    assert again["result"] == "already" and "already checked in" in again["message"]
    ana.refresh_from_db()
    assert ana.checked_in_at is not None
    assert AuditEntry.objects.filter(action="check-in", object_id=str(ana.pk)).count() == 1


def test_unknown_or_blank_codes_check_nobody_in(event: Event, organiser: Any, people: list[Registration]) -> None:
    assert check_in("ZZZZZZZZZZZZ", organiser).json()["result"] == "unknown"
    for blank in (" - ", ""):
        response = check_in(blank, organiser)
        assert response.status_code == 422 and response.json()["code"]
    other = participant(make_event(organiser, slug="other"), "Eve")
    assert check_in(other.badge_secret, organiser).json()["result"] == "unknown"
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_check_in_permission_matrix(event: Event, organiser: Any, people: list[Registration]) -> None:
    code = people[0].badge_secret
    refused = {
        "participant": (people[0].user, 403),
        "other participant": (people[1].user, 403),
        "other organiser": (UserFactory(is_event_organiser=True), 403),
        "token holder, not registered": (UserFactory(), 403),
        "anonymous": (None, 401),
    }
    for role, (user, status) in refused.items():
        assert check_in(code, user).status_code == status, role
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert check_in(code, UserFactory(is_staff=True)).json()["result"] == "checked-in"
    bad_token = Client().post("/api/v1/events/expo/check-in", {"code": code}, content_type="application/json",
                              HTTP_AUTHORIZATION="Bearer nope")  # fmt: skip
    assert bad_token.status_code == 401
