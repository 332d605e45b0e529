"""Badges: the PDF (pages, text, the QR code of the secret), the secret itself, and who may
download which badge."""

import io
import re
from typing import Any

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from silkbridge.events import badges, domain
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.models import BADGE_ALPHABET, Event, Registration
from tests.conftest import client_for
from tests.events.conftest import participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def pdf(response: Any) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_every_registration_gets_its_own_random_secret(people: list[Registration]) -> None:
    secrets = [p.badge_secret for p in people]
    assert len(set(secrets)) == len(secrets)
    for registration, secret in zip(people, secrets, strict=True):
        assert len(secret) == 12 and set(secret) <= set(BADGE_ALPHABET)
        assert str(registration.pk) != secret and "/" not in secret


def test_the_qr_code_carries_the_secret_and_nothing_else(people: list[Registration]) -> None:
    me = people[0]
    code = badges.qr_code(me)
    assert code.designator.startswith("1")  # small enough to scan from a phone at arm's length
    expected = segno.make_qr(me.badge_secret, error="m")
    assert list(code.matrix) == list(expected.matrix)
    # The same text with anything around it (a URL, the id) would give another matrix.
    assert list(segno.make_qr(f"https://x/{me.badge_secret}", error="m").matrix) != list(code.matrix)


def test_participant_downloads_their_own_badge(event: Event, people: list[Registration]) -> None:
    me = people[0]
    reader = pdf(client_for(me.user).get(reverse("events:badge", args=[event.slug])))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert me.name in text and me.organisation_name in text and "OFFICIAL" in text
    assert badges.spaced(me.badge_secret) in text
    assert people[1].name not in text and people[1].badge_secret[:4] not in text.replace(
        badges.spaced(me.badge_secret), ""
    )


def test_organiser_downloads_all_badges_as_pages_or_sheets(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    client = client_for(organiser)
    a6 = pdf(client.get(reverse("events:badges", args=[event.slug])))
    assert len(a6.pages) == 4
    assert [round(float(v)) for v in a6.pages[0].mediabox[2:]] == [298, 420]  # A6 in points
    sheet = pdf(client.get(reverse("events:badges", args=[event.slug]) + "?layout=sheet"))
    assert len(sheet.pages) == 1
    assert [round(float(v)) for v in sheet.pages[0].mediabox[2:]] == [595, 842]  # A4
    text = sheet.pages[0].extract_text()
    assert all(p.name in text and badges.spaced(p.badge_secret) in text for p in people)


def test_badges_of_one_category_leave_out_waiting_and_other_categories(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    scholar = domain.register_for_event(
        event=event, user=UserFactory(display_name="Sam Scholar"), category=event.categories.get(category="scholar"),
        actor=organiser,
    )  # fmt: skip
    Registration.objects.filter(pk=people[3].pk).update(status=RegistrationStatus.WAITING)
    client = client_for(organiser)
    scholars = pdf(client.get(reverse("events:badges", args=[event.slug]) + "?category=scholar"))
    assert len(scholars.pages) == 1 and scholar.name in scholars.pages[0].extract_text()
    everyone = pdf(client.get(reverse("events:badges", args=[event.slug])))
    text = "".join(page.extract_text() for page in everyone.pages)
    assert len(everyone.pages) == 4 and people[3].name not in text


def test_chinese_names_are_printed(event: Event, organiser: Any) -> None:
    me = participant(event, "王芳")
    text = pdf(client_for(me.user).get(reverse("events:badge", args=[event.slug]))).pages[0].extract_text()
    assert "王芳" in text


def test_badge_permission_matrix(event: Event, organiser: Any, people: list[Registration]) -> None:
    """Only the event's organisers (and staff) get everybody's badges; a participant gets
    their own; nobody else gets any badge or secret."""
    waiting = people[3]
    Registration.objects.filter(pk=waiting.pk).update(status=RegistrationStatus.WAITING)
    mine, everyone = reverse("events:badge", args=[event.slug]), reverse("events:badges", args=[event.slug])
    cases = {
        "organiser": (organiser, 404, 200),
        "staff": (UserFactory(is_staff=True), 404, 200),
        "other organiser": (UserFactory(is_event_organiser=True), 404, 403),
        "participant": (people[0].user, 200, 403),
        "waiting list": (waiting.user, 404, 403),
        "member": (UserFactory(), 404, 403),
        "anonymous": (None, 302, 302),
    }
    secrets = {p.badge_secret for p in people}
    for role, (user, own, all_) in cases.items():
        client = client_for(user)
        for path, expected in ((mine, own), (everyone, all_)):
            response = client.get(path)
            assert response.status_code == expected, (role, path)
            if response.status_code == 200:
                continue
            assert not any(s.encode() in response.content for s in secrets), role
    # A participant's own badge carries no one else's secret.
    body = PdfReader(io.BytesIO(client_for(people[0].user).get(mine).content)).pages[0].extract_text()
    assert not any(badges.spaced(s) in body for s in secrets - {people[0].badge_secret})
    assert re.search(r"[0-9A-Z]{4} [0-9A-Z]{4} [0-9A-Z]{4}", body)


def test_badge_secret_appears_on_no_page_of_other_people(
    event: Event, organiser: Any, people: list[Registration]
) -> None:
    """The directory shows other participants, never their secrets."""
    response = client_for(people[0].user).get(reverse("events:directory", args=[event.slug]))
    assert response.status_code == 200
    assert not any(p.badge_secret in response.content.decode() for p in people)
