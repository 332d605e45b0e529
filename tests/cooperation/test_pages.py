"""Cooperation pages: the permission matrix (every role x view, create, edit, delete) and
what editing records."""

from datetime import date
from typing import Any

import pytest

from silkbridge.cooperation.models import Agreement, JointLab, Partnership, Project
from silkbridge.core.models import AuditEntry
from tests.conftest import client_for
from tests.factories import JointLabFactory

ROLES = ["anonymous", "member", "editor", "other_editor", "moderator", "staff"]
CAN_EDIT = {"editor", "moderator", "staff"}  # editor of an organisation involved
CAN_CREATE = {"editor", "other_editor", "moderator", "staff"}
CAN_DELETE = {"moderator", "staff"}
CAN_PUBLISH = {"moderator", "staff"}  # what others change is submitted for review


@pytest.fixture
def lab(org: Any) -> JointLab:
    record = JointLab.objects.create(names={"en": "Sino-Kenyan Soil Lab"}, established_on=date(2020, 1, 1))
    record.refresh_search_text()
    record.save()
    Partnership.objects.create(lab=record, organisation=org, role="host")
    return record


def lab_post(org: Any, **changes: str) -> dict[str, Any]:
    data = {"name": "Sino-Kenyan Soil Lab", "established_on": "2020-01-01", "partners_text": f"{org.name} | host"}
    return {**data, **changes}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_lab_permission_matrix(role: str, roles: dict[str, Any], org: Any, lab: JointLab) -> None:
    client = client_for(roles[role])
    assert client.get(f"/en/cooperation/labs/{lab.pk}/").status_code == 200  # public records
    assert "Sino-Kenyan Soil Lab" in client.get("/en/cooperation/labs/").content.decode()
    create = client.get("/en/cooperation/labs/new/")
    edit = client.post(f"/en/cooperation/labs/{lab.pk}/edit/", lab_post(org, closed_on="2024-12-31"))
    delete = client.get(f"/en/cooperation/labs/{lab.pk}/delete/")
    if roles[role] is None:
        assert {create.status_code, edit.status_code, delete.status_code} == {302}
    else:
        assert create.status_code == (200 if role in CAN_CREATE else 403)
        assert edit.status_code == (302 if role in CAN_EDIT else 403)
        assert delete.status_code == (200 if role in CAN_DELETE else 403)
    lab.refresh_from_db()
    assert (lab.closed_on == date(2024, 12, 31)) is (role in CAN_PUBLISH)
    assert (lab.review_status == "submitted") is (role in CAN_EDIT - CAN_PUBLISH)


@pytest.mark.django_db
def test_editing_is_audited_and_shown_in_the_history(roles: dict[str, Any], org: Any, lab: JointLab) -> None:
    client = client_for(roles["editor"])
    client.post(f"/en/cooperation/labs/{lab.pk}/edit/", lab_post(org, closed_on="2024-12-31"))
    entry = AuditEntry.objects.get(action="submit", object_id=str(lab.pk))
    assert entry.actor == roles["editor"] and entry.changes["closed_on"] == [None, "2024-12-31"]
    client_for(roles["moderator"]).post(f"/en/cooperation/labs/{lab.pk}/review/", {"action": "publish"})
    entry = AuditEntry.objects.get(action="publish", object_id=str(lab.pk))
    assert entry.actor == roles["moderator"] and entry.changes["closed_on"] == [None, "2024-12-31"]
    assert "2024-12-31" in client_for(None).get(f"/en/cooperation/labs/{lab.pk}/history/").content.decode()


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused_and_changes_nothing(roles: dict[str, Any], org: Any, lab: JointLab) -> None:
    response = client_for(roles["editor"]).post(
        f"/en/cooperation/labs/{lab.pk}/edit/", lab_post(org, closed_on="2019-01-01")
    )
    assert "This date is before" in response.content.decode()
    lab.refresh_from_db()
    assert lab.closed_on is None


@pytest.mark.django_db
def test_an_agreement_needs_two_parties_and_known_countries(roles: dict[str, Any]) -> None:
    client = client_for(roles["moderator"])
    one = client.post(
        "/en/cooperation/agreements/new/", {"name": "A", "kind": "intergovernmental", "countries_text": "CN"}
    )
    assert "at least two parties" in one.content.decode()
    bad = client.post(
        "/en/cooperation/agreements/new/", {"name": "A", "kind": "intergovernmental", "countries_text": "CN, XX"}
    )
    assert "Unknown country code: XX." in bad.content.decode()
    good = client.post(
        "/en/cooperation/agreements/new/",
        {"name": "China-Kenya S&T agreement", "kind": "intergovernmental", "countries_text": "CN, KE",
         "signed_on": "2018-05-01", "in_force_from": "2018-06-01"},
    )  # fmt: skip
    assert good.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.titles == {"en": "China-Kenya S&T agreement"}
    assert sorted(p.country_id for p in agreement.parties.all()) == ["CN", "KE"]
    page = client_for(None).get("/en/countries/KE/").content.decode()
    assert "China-Kenya S&amp;T agreement" in page


@pytest.mark.django_db
def test_organisation_page_lists_its_cooperation(org: Any, lab: JointLab, client: Any) -> None:
    assert "Sino-Kenyan Soil Lab" in client.get(f"/en/organisations/{org.pk}/").content.decode()


@pytest.mark.django_db
def test_a_project_page_shows_its_abstract_escaped(org: Any, client: Any) -> None:
    project = Project.objects.create(title="Drip trials", abstract="Less water <b>per</b> field.\nTwo sites.")
    Partnership.objects.create(project=project, organisation=org, role="coordinator")
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Less water &lt;b&gt;per&lt;/b&gt; field.<br>Two sites." in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_record_list_has_constant_queries(org: Any, client: Any, django_assert_num_queries: Any, count: int) -> None:
    JointLabFactory.create_batch(count, partners=[org])
    with django_assert_num_queries(7):  # count, ids, rows, partners, organisations, countries and fields of the filter
        response = client.get("/en/cooperation/labs/")
    assert response.status_code == 200
    assert response.content.decode().count("Joint Laboratory of Test Studies") == count


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_lab_permission_matrix_through_the_api(role: str, roles: dict[str, Any], lab: JointLab) -> None:
    import json

    from tests.registry.test_permissions import api_headers

    headers = api_headers(roles[role])
    client = client_for(None)
    detail = client.get(f"/api/v1/labs/{lab.pk}", **headers)
    assert detail.status_code == 200 and detail.json()["name"] == "Sino-Kenyan Soil Lab"
    patch = client.patch(
        f"/api/v1/cooperation/labs/{lab.pk}", json.dumps({"values": {"closed_on": "2024-12-31"}}),
        content_type="application/json", **headers,
    )  # fmt: skip
    expected = 401 if roles[role] is None else (200 if role in CAN_EDIT else 403)
    assert patch.status_code == expected, patch.content
    lab.refresh_from_db()
    assert (lab.closed_on == date(2024, 12, 31)) is (role in CAN_PUBLISH)
    if expected == 200:
        assert patch.json()["changed"] == ["closed_on"]
        assert patch.json()["review_status"] == ("published" if role in CAN_PUBLISH else "submitted")
    delete = client.delete(f"/api/v1/cooperation/labs/{lab.pk}", **headers)
    assert delete.status_code == (401 if roles[role] is None else (204 if role in CAN_DELETE else 403))
    assert JointLab.objects.filter(pk=lab.pk).exists() is (delete.status_code != 204)


@pytest.mark.django_db
def test_an_invalid_api_patch_changes_nothing(roles: dict[str, Any], lab: JointLab) -> None:
    import json

    from tests.registry.test_permissions import api_headers

    response = client_for(None).patch(
        f"/api/v1/cooperation/labs/{lab.pk}", json.dumps({"values": {"closed_on": "2019-01-01"}}),
        content_type="application/json", **api_headers(roles["moderator"]),
    )  # fmt: skip
    assert response.status_code == 422 and "closed_on" in response.json()["details"]
    lab.refresh_from_db()
    assert lab.closed_on is None


@pytest.mark.django_db
def test_api_lists_filter_like_the_pages(org: Any, lab: JointLab, client: Any) -> None:
    assert client.get("/api/v1/labs", {"country": "KE"}).json()["count"] == 1
    assert client.get("/api/v1/labs", {"country": "FR"}).json()["count"] == 0
    assert client.get("/api/v1/labs", {"q": "soil"}).json()["count"] == 1
    assert client.get("/api/v1/labs", {"as_of": "2019-12-31", "active": "true"}).json()["count"] == 0


@pytest.mark.django_db
def test_centre_yearly_figures_are_edited_on_the_page(roles: dict[str, Any], org: Any) -> None:
    from silkbridge.cooperation.models import DemonstrationCentre

    centre = DemonstrationCentre.objects.create(names={"en": "Maize Centre"}, host_country_id="KE")
    Partnership.objects.create(centre=centre, organisation=org, role="host")
    page = client_for(roles["editor"]).get(f"/en/cooperation/centres/{centre.pk}/edit/").content.decode()
    assert 'name="years-0-year"' in page and "Yearly figures" in page
    data = {
        "name": "Maize Centre", "host_country": "KE", "partners_text": f"{org.name} | host",
        "years-TOTAL_FORMS": "2", "years-INITIAL_FORMS": "0", "years-MIN_NUM_FORMS": "0", "years-MAX_NUM_FORMS": "1000",
        "years-0-year": "2022", "years-0-people_trained": "150", "years-0-technologies_adopted": "4",
        "years-1-year": "", "years-1-people_trained": "0", "years-1-technologies_adopted": "0",
    }  # fmt: skip
    response = client_for(roles["editor"]).post(f"/en/cooperation/centres/{centre.pk}/edit/", data)
    assert response.status_code == 302 and not centre.years.exists()  # submitted, not yet published
    again = client_for(roles["editor"]).get(f"/en/cooperation/centres/{centre.pk}/edit/").content.decode()
    assert 'name="years-0-people_trained" value="150"' in again  # the pending change, to edit again
    client_for(roles["moderator"]).post(f"/en/cooperation/centres/{centre.pk}/review/", {"action": "publish"})
    assert [(y.year, y.people_trained) for y in centre.years.all()] == [(2022, 150)]
    assert "150" in client_for(None).get(f"/en/cooperation/centres/{centre.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["agreements", "labs", "centres", "projects"])
def test_every_create_page_renders_for_a_moderator(roles: dict[str, Any], kind: str) -> None:
    page = client_for(roles["moderator"]).get(f"/en/cooperation/{kind}/new/")
    assert page.status_code == 200 and 'name="name"' in page.content.decode()


# Cross-organisation cases: an editor acts only for the organisations they edit.
@pytest.fixture
def third_org(reference: Any) -> Any:
    from tests.factories import OrganisationFactory

    return OrganisationFactory(country_id="FR")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "partners", "allowed"),
    [
        ("editor", ["org"], True),  # its own organisation
        ("editor", ["org", "other_org"], True),  # its own with a partner
        ("editor", ["other_org", "third_org"], False),  # only others
        ("other_editor", ["org", "third_org"], False),
        ("moderator", ["other_org", "third_org"], True),
        ("staff", ["other_org", "third_org"], True),
    ],
)
def test_an_editor_creates_a_lab_only_for_an_organisation_they_edit(
    roles: dict[str, Any], org: Any, other_org: Any, third_org: Any, role: str, partners: list[str], allowed: bool
) -> None:
    orgs = {"org": org, "other_org": other_org, "third_org": third_org}
    text = "\n".join(f"{orgs[p].name} | partner" for p in partners)
    response = client_for(roles[role]).post("/en/cooperation/labs/new/", {"name": "New Lab", "partners_text": text})
    assert JointLab.all_records.filter(names__en="New Lab").exists() is allowed
    if not allowed:
        assert "must include an organisation you edit" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [("editor", False), ("other_editor", False), ("moderator", True)])
def test_only_moderators_make_an_agreement_between_countries(roles: dict[str, Any], role: str, allowed: bool) -> None:
    data = {"name": "CN-KE", "kind": "intergovernmental", "countries_text": "CN, KE"}
    response = client_for(roles[role]).post("/en/cooperation/agreements/new/", data)
    assert Agreement.all_records.exists() is allowed
    if not allowed:
        assert "submitted by a programme officer of one of its countries" in response.content.decode()
    mou = {"name": "CN-KE", "kind": "mou", "countries_text": "CN, KE"}
    response = client_for(roles[role]).post("/en/cooperation/agreements/new/", mou)
    if not allowed:
        assert "Only moderators and the programme officers of a party may set" in response.content.decode()


@pytest.mark.django_db
def test_an_editor_may_not_make_an_agreement_for_an_organisation_they_do_not_edit(
    roles: dict[str, Any], org: Any, other_org: Any, third_org: Any
) -> None:
    data = {"name": "A", "kind": "mou", "partners_text": f"{other_org.name}\n{third_org.name}"}
    client_for(roles["editor"]).post("/en/cooperation/agreements/new/", data)
    assert not Agreement.all_records.exists()
    own = {"name": "B", "kind": "mou", "partners_text": f"{org.name}\n{third_org.name}"}
    assert client_for(roles["editor"]).post("/en/cooperation/agreements/new/", own).status_code == 302


@pytest.mark.django_db
def test_an_editor_may_not_remove_a_partner_they_do_not_edit(
    roles: dict[str, Any], org: Any, other_org: Any, lab: JointLab
) -> None:
    import json

    from tests.registry.test_permissions import api_headers

    Partnership.objects.create(lab=lab, organisation=other_org, role="partner")
    for user in (roles["editor"], roles["other_editor"]):
        mine = org if user == roles["editor"] else other_org
        patch = client_for(None).patch(
            f"/api/v1/cooperation/labs/{lab.pk}", json.dumps({"values": {"partners": [f"{mine.name} | host"]}}),
            content_type="application/json", **api_headers(user),
        )  # fmt: skip
        assert patch.status_code == 403 and "you do not edit" in patch.json()["message"]
        page = client_for(user).post(
            f"/en/cooperation/labs/{lab.pk}/edit/", lab_post(org, partners_text=f"{mine.name} | host")
        )
        assert page.status_code == 200 and "you do not edit" in page.content.decode()
    assert sorted(lab.partners.values_list("organisation_id", flat=True)) == sorted([org.pk, other_org.pk])
    # adding a partner and changing other fields, keeping every partner, is allowed
    both = f"{org.name} | host\n{other_org.name} | partner"
    ok = client_for(roles["editor"]).post(f"/en/cooperation/labs/{lab.pk}/edit/", lab_post(org, partners_text=both))
    assert ok.status_code == 302
    # a moderator may remove any partner, once the editor's change awaiting review is decided
    moderator = api_headers(roles["moderator"])
    for expected in (422, 200):
        patch = client_for(None).patch(
            f"/api/v1/cooperation/labs/{lab.pk}", json.dumps({"values": {"partners": [f"{org.name} | host"]}}),
            content_type="application/json", **moderator,
        )  # fmt: skip
        assert patch.status_code == expected
        if expected == 422:
            assert "awaiting review" in patch.json()["details"]["__all__"][0] and lab.partners.count() == 2
            client_for(None).post(f"/api/v1/cooperation/labs/{lab.pk}/publish", **moderator)
    assert patch.status_code == 200 and list(lab.partners.values_list("organisation_id", flat=True)) == [org.pk]


@pytest.mark.django_db
def test_the_domain_refuses_parties_an_editor_may_not_set(roles: dict[str, Any], other_org: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from silkbridge.cooperation import domain

    with pytest.raises(PermissionDenied):
        domain.save_record(JointLab(), data={"partners": [(other_org, "host")]}, actor=roles["editor"])
    assert not JointLab.all_records.exists()
