"""Forms anyone can fill: countries from a list in the reader's language, fields of science
under their broad fields with a search box, organisations suggested as you type."""

from typing import Any

import pytest

from silkbridge.cooperation.models import Agreement
from tests.conftest import client_for
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_the_agreement_form_lists_countries_in_the_readers_language(roles: dict[str, Any]) -> None:
    page = client_for(roles["moderator"]).get("/fr/cooperation/agreements/new/").content.decode()
    assert 'value="CN"' in page and "Chine" in page and 'data-filter="id_countries_text"' in page
    assert "<legend>" in page  # fields of science grouped under their broad fields
    assert 'src="/static/vendor/htmx/htmx.min.js"' in page and "<script>" not in page


@pytest.mark.django_db
def test_countries_are_chosen_from_the_list(roles: dict[str, Any]) -> None:
    data = {"name": "China-Kenya", "kind": "intergovernmental", "countries_text": ["CN", "KE"], "fields": ["4.1"]}
    response = client_for(roles["moderator"]).post("/en/cooperation/agreements/new/", data)
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert sorted(p.country_id for p in agreement.parties.all()) == ["CN", "KE"]
    assert [f.code for f in agreement.fields.all()] == ["4.1"]


@pytest.mark.django_db
def test_organisations_are_suggested_as_you_type_with_the_matchers_reason(roles: dict[str, Any]) -> None:
    OrganisationFactory(name="University of Nairobi", country_id="KE", city="Nairobi")
    client = client_for(roles["editor"])
    response = client.get("/en/cooperation/organisations/suggest/", {"q": "Univ. of Nairobi"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-add-name="University of Nairobi"' in body
    assert "The affiliation matcher suggests it" in body
    assert "No organisation" in client.get("/en/cooperation/organisations/suggest/", {"q": "zzqx"}).content.decode()
    assert client_for(None).get("/en/cooperation/organisations/suggest/", {"q": "Nairobi"}).status_code == 302
