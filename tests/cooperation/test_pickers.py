"""The agreement and lab pickers of the record forms: suggestions from the server as you
type, only records the user may see, and without JavaScript a typed name or number that is
resolved on submit, with a clear error when it is not one record."""

from typing import Any

import pytest

from silkbridge.cooperation.models import Agreement, AgreementParty, JointLab, Partnership, Project
from tests.conftest import client_for


@pytest.fixture
def agreements(org: Any, other_org: Any) -> dict[str, Agreement]:
    def make(title: str, *, published: bool = True, party: Any = None) -> Agreement:
        agreement = Agreement.all_records.create(titles={"en": title}, kind="mou", is_published=published)
        agreement.refresh_search_text()
        agreement.save()
        if party is not None:
            AgreementParty.objects.create(agreement=agreement, organisation=party)
        return agreement

    return {
        "public": make("China-Kenya Water Agreement"),
        "twin": make("Twin MoU"),
        "twin2": make("Twin MoU"),
        "own draft": make("Nairobi Water Draft", published=False, party=org),
        "other draft": make("Beijing Water Draft", published=False, party=other_org),
    }


def suggest(user: Any, q: str, kind: str = "agreements") -> str:
    return client_for(user).get(f"/en/cooperation/{kind}/suggest/", {"q": q}).content.decode()


@pytest.mark.django_db
def test_suggestions_list_only_records_the_user_may_see(roles: dict[str, Any], agreements: dict[str, Any]) -> None:
    editor = suggest(roles["editor"], "water")
    assert "China-Kenya Water Agreement" in editor and "Nairobi Water Draft" in editor
    assert "Beijing Water Draft" not in editor
    assert f'data-choose="Nairobi Water Draft (#{agreements["own draft"].pk})"' in editor
    member = suggest(roles["member"], "water")
    assert "China-Kenya Water Agreement" in member and "Draft" not in member
    moderator = suggest(roles["moderator"], "water")
    assert "Beijing Water Draft" in moderator and "not public yet" in moderator
    assert "Nothing you may see matches" in suggest(roles["editor"], "zzz")
    assert client_for(None).get("/en/cooperation/agreements/suggest/", {"q": "water"}).status_code == 302
    assert client_for(roles["editor"]).get("/en/cooperation/projects/suggest/", {"q": "wa"}).status_code == 404


@pytest.mark.django_db
def test_the_form_has_a_search_box_not_a_list_of_every_record(
    roles: dict[str, Any], agreements: dict[str, Any]
) -> None:
    page = client_for(roles["editor"]).get("/en/cooperation/labs/new/").content.decode()
    assert 'hx-get="/en/cooperation/agreements/suggest/"' in page and '<select name="agreement"' not in page
    assert "China-Kenya Water Agreement" not in page  # nothing listed until one types


def lab_post(org: Any, agreement: str) -> dict[str, str]:
    return {"name": "Seed Lab", "agreement": agreement, "partners_text": f"{org.name} | host"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "chosen", "error"),
    [
        ("China-Kenya Water Agreement", "public", ""),  # the exact name, typed without JavaScript
        ("china-kenya water agreement", "public", ""),
        ("{public}", "public", ""),  # its number
        ("Twin MoU (#{twin2})", "twin2", ""),  # a suggestion as the picker puts it in
        ("Nairobi Water Draft", "own draft", ""),  # unpublished, but the editor's own
        ("Twin MoU", "", "Several records are named"),
        ("Water", "", "Nothing you may see is named “Water”"),
        ("Beijing Water Draft", "", "Nothing you may see is named"),
        ("{other_draft}", "", "No record number"),
    ],
)
def test_a_typed_agreement_is_resolved_or_refused_with_a_clear_error(
    roles: dict[str, Any], org: Any, agreements: dict[str, Any], typed: str, chosen: str, error: str
) -> None:
    text = typed.format(**{k.replace(" ", "_"): a.pk for k, a in agreements.items()}) if "{" in typed else typed
    response = client_for(roles["editor"]).post("/en/cooperation/labs/new/", lab_post(org, text))
    lab = JointLab.all_records.filter(names__en="Seed Lab").first()
    if chosen:
        assert response.status_code == 302 and lab is not None and lab.agreement == agreements[chosen]
    else:
        assert response.status_code == 200 and lab is None and error in response.content.decode()


@pytest.mark.django_db
def test_the_lab_picker_of_a_project_and_its_api_by_number(roles: dict[str, Any], org: Any) -> None:
    import json

    from tests.registry.test_permissions import api_headers

    lab = JointLab.objects.create(names={"en": "Crop Lab"})
    lab.refresh_search_text()
    lab.save()
    Partnership.objects.create(lab=lab, organisation=org, role="host")
    assert f'data-choose="Crop Lab (#{lab.pk})"' in suggest(roles["editor"], "crop", "labs")
    values = {"name": "Maize", "lab": str(lab.pk), "partners": [f"{org.name} | host"]}
    created = client_for(None).post("/api/v1/cooperation/projects", json.dumps({"values": values}),
                                    content_type="application/json", **api_headers(roles["moderator"]))  # fmt: skip
    assert created.status_code == 201 and Project.objects.get().lab == lab
    page = client_for(roles["moderator"]).get(f"/en/cooperation/projects/{created.json()['id']}/edit/").content.decode()
    assert f'value="Crop Lab (#{lab.pk})"' in page  # the record already chosen, as the picker shows it


@pytest.mark.django_db
def test_suggestions_have_constant_queries(roles: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, counts = client_for(roles["editor"]), []
    for total in (1, 3):
        while Agreement.objects.count() < total:
            agreement = Agreement.objects.create(titles={"en": f"Ocean Agreement {Agreement.objects.count()}"})
            agreement.refresh_search_text()
            agreement.save()
        with CaptureQueriesContext(connection) as context:
            html = client.get("/en/cooperation/agreements/suggest/", {"q": "ocean"}).content.decode()
        assert html.count("Choose: Ocean Agreement") == total
        counts.append(len(context))
    assert counts[0] == counts[1]
