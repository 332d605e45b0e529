""" "People you should meet": directory participants ranked by the matching engine, with
its explanation; only for confirmed participants."""

from typing import Any

import pytest
from django.urls import reverse

from silkbridge.events import domain, suggestions
from silkbridge.events.models import Event, Registration
from silkbridge.matching import index
from tests.conftest import client_for
from tests.events.conftest import participant
from tests.factories import ExpertFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def works_at(registration: Registration, organisation: Any) -> None:
    registration.user.organisation = organisation
    registration.user.save(update_fields=["organisation"])


@pytest.fixture
def cast(event: Event, people: list[Registration], reference: Any) -> dict[str, Registration]:
    ana, bo, chen, dina = people
    soil = OrganisationFactory(
        name="Institute of Soil Science", country_id="KE", description="Soil fertility and erosion."
    )
    works_at(ana, soil)
    erosion = OrganisationFactory(
        name="Soil Erosion Centre", country_id="CN", description="Soil erosion and fertility."
    )
    works_at(bo, erosion)
    for org in (soil, erosion):  # evidence beyond a similar name: a shared field of science
        org.fields.set(["4.1"])
    works_at(
        chen, OrganisationFactory(name="Observatory of Stars", country_id="CL", description="Galaxies and telescopes.")
    )
    colleague = participant(event, "Eve")
    works_at(colleague, soil)
    index.rebuild()
    return {"ana": ana, "bo": bo, "chen": chen, "dina": dina, "colleague": colleague}


def test_the_closest_organisation_comes_first_with_its_explanation(event: Event, cast: dict[str, Registration]) -> None:
    found = suggestions.people_to_meet(cast["ana"], user=cast["ana"].user)
    names = [p.registration.name for p in found]
    assert names and names[0] == "Bo"
    assert "Eve" not in names and "Dina" not in names  # a colleague; nobody without an organisation
    assert found[0].reasons.fields == ["4.1"]
    page = client_for(cast["ana"].user).get(reverse("events:people_to_meet", args=[event.slug])).content.decode()
    assert "Bo Institute" in page and "Shared fields of science: 4.1" in page


def test_people_already_asked_are_left_out(event: Event, cast: dict[str, Registration]) -> None:
    domain.send_meeting_request(requester=cast["bo"], recipient=cast["ana"], reason="soil", actor=None)
    names = [p.registration.name for p in suggestions.people_to_meet(cast["ana"], user=cast["ana"].user)]
    assert "Bo" not in names


def test_without_an_organisation_there_is_no_suggestion(event: Event, cast: dict[str, Registration]) -> None:
    assert suggestions.people_to_meet(cast["dina"], user=cast["dina"].user) == []
    page = client_for(cast["dina"].user).get(reverse("events:people_to_meet", args=[event.slug])).content.decode()
    assert "No suggestion yet" in page


def test_only_confirmed_participants_see_suggestions(
    event: Event, organiser: Any, cast: dict[str, Registration]
) -> None:
    path = reverse("events:people_to_meet", args=[event.slug])
    expected = {
        "participant": (cast["ana"].user, 200),
        "organiser": (organiser, 403),
        "member": (UserFactory(), 403),
        "anonymous": (None, 302),
    }
    for role, (user, status) in expected.items():
        response = client_for(user).get(path)
        assert response.status_code == status, role
        if status != 200:
            assert b"Bo Institute" not in response.content


def test_without_an_organisation_the_profile_text_finds_people_with_the_reasons(
    event: Event, cast: dict[str, Registration]
) -> None:
    dina = cast["dina"]
    Registration.objects.filter(pk=dina.pk).update(pitch="We offer telescopes and seek partners in galaxies.")
    dina.refresh_from_db()
    found = suggestions.people_to_meet(dina, user=dina.user)
    assert found and found[0].registration.name == "Chen"  # the Observatory of Stars
    assert set(found[0].reasons.matched) & {"telescopes", "galaxies"}
    page = client_for(dina.user).get(reverse("events:people_to_meet", args=[event.slug])).content.decode()
    assert "Chen Institute" in page and "Words found:" in page
    assert "best answer what you offer and seek" in page


def test_an_expert_profile_alone_is_enough(event: Event, cast: dict[str, Registration]) -> None:
    dina = cast["dina"]
    ExpertFactory(user=dina.user, name="Dina", keywords=["soil erosion"], bio="Erosion control on farms.")
    assert "soil erosion" in suggestions.profile_text(dina)
    names = [p.registration.name for p in suggestions.people_to_meet(dina, user=dina.user)]
    assert names[0] == "Bo"  # the Soil Erosion Centre
    assert "Chen" not in names  # stars have nothing to do with erosion
    domain.send_meeting_request(requester=dina, recipient=cast["bo"], reason="erosion", actor=None)
    assert "Bo" not in [p.registration.name for p in suggestions.people_to_meet(dina, user=dina.user)]
