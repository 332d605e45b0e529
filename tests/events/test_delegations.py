"""Delegations: an organiser invites a country's head of delegation by e-mail, who accepts
and registers the country's members within a quota; nobody else sees the delegation."""

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from silkbridge.events import domain
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.models import Delegation, Event
from tests.conftest import client_for
from tests.events.conftest import make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(organiser: Any, event: Event, quota: int = 3, **extra: Any) -> Delegation:
    response = client_for(organiser).post(
        reverse("events:delegations", args=[event.slug]),
        {"country": "KZ", "email": "head@example.kz", "quota": quota, **extra},
    )
    assert response.status_code == 302
    return event.delegations.get(country="KZ")


def test_the_head_accepts_the_invitation_and_registers_members_within_the_quota(
    organiser: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(organiser, capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        delegation = invite(organiser, event, quota=3)
    [invitation] = mail.outbox
    assert invitation.to == ["head@example.kz"]
    link = re.search(r"http://\S+/join/\S+/", invitation.body)
    assert link is not None and link.group(0).endswith(f"/delegations/join/{delegation.token}/")
    head = UserFactory(email="head@example.kz")
    client_for(head).post(link.group(0).replace("http://testserver", ""))
    delegation.refresh_from_db()
    assert delegation.head == head
    assert event.registrations.get(user=head).delegation == delegation
    existing = UserFactory(email="aigerim@example.kz")
    page = reverse("events:delegation", args=[event.slug, delegation.pk])
    official = event.categories.get(category="official").pk
    for name, email in (("Aigerim", "AIGERIM@example.kz"), ("Daniyar", "daniyar@example.kz")):
        client_for(head).post(page, {"name": name, "email": email, "organisation_name": "KazNU", "category": official})
    members = event.registrations.filter(delegation=delegation)
    assert members.count() == 3 and members.get(name="Aigerim").user == existing
    assert set(members.values_list("country", flat=True)) == {"KZ"}
    response = client_for(head).post(page, {"name": "Four", "email": "four@example.kz", "category": official})
    assert "quota of 3 is reached" in response.content.decode()
    client_for(head).post(reverse("events:remove_member", args=[event.slug, delegation.pk,
                                                                 members.get(name="Daniyar").pk]))  # fmt: skip
    client_for(head).post(page, {"name": "Four", "email": "four@example.kz", "category": official})
    assert members.exclude(status=RegistrationStatus.CANCELLED).count() == 3


def test_a_delegation_is_seen_only_by_its_head_and_the_organisers(organiser: Any) -> None:
    event = make_event(organiser)
    delegation = invite(organiser, event)
    head = UserFactory()
    domain.accept_delegation(delegation, user=head, actor=head)
    page = reverse("events:delegation", args=[event.slug, delegation.pk])
    assert client_for(head).get(page).status_code == 200
    assert client_for(organiser).get(page).status_code == 200
    for user in (UserFactory(), UserFactory(is_event_organiser=True)):
        assert client_for(user).get(page).status_code == 404
    assert client_for(None).get(page).status_code == 302
    assert client_for(head).get(reverse("events:delegations", args=[event.slug])).status_code == 403
    with pytest.raises(domain.DelegationError):
        domain.accept_delegation(delegation, user=UserFactory(), actor=None)  # it has a head already


def test_a_wrong_invitation_token_finds_nothing(organiser: Any) -> None:
    event = make_event(organiser)
    invite(organiser, event)
    url = reverse("events:join_delegation", args=[event.slug, "not-the-token"])
    assert client_for(UserFactory()).get(url).status_code == 404
