"""Check-in: codes typed or scanned mark arrival once; who may check in; attendance in the
report and its API."""

from typing import Any

import pytest
from django.urls import reverse

from silkbridge.core.models import AuditEntry
from silkbridge.events import domain, report
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.models import Event, Registration
from tests.conftest import client_for
from tests.events.conftest import make_event, participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def post(user: Any, event: Event, code: str, **headers: Any) -> Any:
    return client_for(user).post(reverse("events:check_in", args=[event.slug]), {"code": code}, **headers)


def test_a_code_checks_in_once_then_reports_already(event: Event, organiser: Any, people: list[Registration]) -> None:
    me = people[0]
    first = post(organiser, event, me.badge_secret, **JSON).json()
    assert first["result"] == "checked-in" and me.name in first["message"]
    again = post(organiser, event, me.badge_secret, **JSON).json()
    assert again["result"] == "already" and me.name in again["message"]
    me.refresh_from_db()
    assert me.checked_in_at is not None
    assert AuditEntry.objects.filter(action="check-in", object_id=str(me.pk)).count() == 1
    assert Registration.objects.filter(event=event, checked_in_at__isnull=False).count() == 1


def test_typed_codes_forgive_case_spaces_and_look_alike_letters(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    secret = people[0].badge_secret
    typed = " ".join(secret[i : i + 4] for i in (0, 4, 8)).lower().replace("0", "o").replace("1", "l")
    assert post(organiser, event, typed, **JSON).json()["result"] == "checked-in"


@pytest.mark.parametrize("code", ["", "NOPE", "ZZZZZZZZZZZZ", "<script>", "x" * 500])
def test_unknown_codes_check_nobody_in(event: Event, organiser: Any, people: list[Registration], code: str) -> None:
    answer = post(organiser, event, code, **JSON).json()
    assert answer["result"] == "unknown"
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_codes_of_another_event_or_the_waiting_list_do_not_check_in(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    other = participant(make_event(organiser, slug="other"), "Oscar")
    Registration.objects.filter(pk=people[1].pk).update(status=RegistrationStatus.WAITING)
    for code in (other.badge_secret, people[1].badge_secret):
        assert post(organiser, event, code, **JSON).json()["result"] == "unknown"
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_without_script_the_desk_form_redirects_with_a_message(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    response = post(organiser, event, people[0].badge_secret, follow=True)
    assert response.redirect_chain[-1][0] == reverse("events:check_in_desk", args=[event.slug])
    assert "checked in" in response.content.decode()
    assert "1 of 4 confirmed participants have checked in." in response.content.decode()


def test_check_in_permission_matrix(event: Event, organiser: Any, people: list[Registration]) -> None:
    """Only the event's organisers and staff check people in; nobody else learns whether a
    code exists."""
    desk = reverse("events:check_in_desk", args=[event.slug])
    cases = {
        "organiser": (organiser, 200, 200),
        "staff": (UserFactory(is_staff=True), 200, 200),
        "other organiser": (UserFactory(is_event_organiser=True), 403, 403),
        "participant": (people[1].user, 403, 403),
        "member": (UserFactory(), 403, 403),
        "anonymous": (None, 302, 302),
    }
    for role, (user, page, code) in cases.items():
        assert client_for(user).get(desk).status_code == page, role
        response = post(user, event, people[0].badge_secret, **JSON)
        assert response.status_code == code, role
        if code != 200:
            assert people[0].name.encode() not in response.content
    people[0].refresh_from_db()
    assert people[0].checked_in_at is not None  # by the organiser, then staff said "already"
    assert client_for(organiser).get(desk.replace("check-in/", "check-in/code/")).status_code == 405


def test_attendance_in_the_report_page_and_api(event: Event, organiser: Any, people: list[Registration]) -> None:
    for person in people[:3]:
        domain.check_in(event=event, code=person.badge_secret, actor=organiser)
    sections = {s.key: {code: value for code, _label, value in s.rows} for s in report.event_report(event)}
    assert sections["attendance"] == {"confirmed": 4, "checked_in": 3}
    page = client_for(organiser).get(reverse("events:report", args=[event.slug])).content.decode()
    assert "Attendance" in page and "Checked in" in page
    csv = client_for(organiser).get(reverse("events:report_csv", args=[event.slug])).content.decode()
    assert "checked_in" in csv or "Checked in" in csv
