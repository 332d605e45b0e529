"""Review before publishing: who submits, publishes, sends back and withdraws (pages and
API), what the public sees meanwhile, the e-mails and the audit trail."""

import json
from datetime import date
from typing import Any

import pytest
from django.core import mail

from silkbridge.api.opendata import rows
from silkbridge.cooperation.models import Agreement, JointLab
from silkbridge.core.models import AuditEntry
from tests.conftest import client_for
from tests.registry.test_permissions import api_headers

ROLES = ["anonymous", "member", "editor", "other_editor", "officer", "moderator", "staff"]
MAY_SUBMIT = {"editor"}  # an editor of an organisation involved
MAY_PUBLISH = {"moderator", "staff"}


def lab_data(org: Any, name: str = "Sino-Kenyan Water Lab", **more: str) -> dict[str, str]:
    return {"name": name, "established_on": "2021-03-01", "partners_text": f"{org.name} | host", **more}


def submit_lab(people: dict[str, Any], org: Any, **more: str) -> JointLab:
    response = client_for(people["editor"]).post("/en/cooperation/labs/new/", lab_data(org, **more))
    assert response.status_code == 302, response.content.decode()
    return JointLab.all_records.get()


def review(user: Any, record: Any, action: str, comment: str = "") -> Any:
    url = f"/en/cooperation/{record.record_kind}/{record.pk}/review/"
    return client_for(user).post(url, {"action": action, "comment": comment})


@pytest.mark.django_db
def test_a_new_lab_by_an_editor_is_not_public_until_a_moderator_publishes_it(
    people: dict[str, Any], org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lab = submit_lab(people, org)
    assert not lab.is_published and lab.review_status == "submitted" and lab.submitted_by == people["editor"]
    anonymous = client_for(None)
    assert anonymous.get(f"/en/cooperation/labs/{lab.pk}/").status_code == 404
    assert "Water Lab" not in anonymous.get("/en/cooperation/labs/").content.decode()
    assert anonymous.get(f"/api/v1/labs/{lab.pk}").status_code == 404
    assert anonymous.get("/api/v1/labs").json()["count"] == 0
    assert list(rows("labs")) == [] and list(rows("partnerships")) == []
    assert "Water Lab" not in anonymous.get(f"/en/organisations/{org.pk}/").content.decode()
    # the submitter sees it, with its state; a moderator finds it in the queue
    own = client_for(people["editor"]).get(f"/en/cooperation/labs/{lab.pk}/").content.decode()
    assert "Not public" in own and "Submitted for review" in own
    assert "Water Lab" in client_for(people["editor"]).get("/en/cooperation/review/").content.decode()
    queue = client_for(people["moderator"]).get("/en/cooperation/review/").content.decode()
    assert "Sino-Kenyan Water Lab" in queue and "new record" in queue
    with django_capture_on_commit_callbacks(execute=True):
        assert review(people["moderator"], lab, "publish").status_code == 302
    lab.refresh_from_db()
    assert lab.is_published and lab.review_status == "published"
    assert "Water Lab" in anonymous.get("/en/cooperation/labs/").content.decode()
    assert mail.outbox[-1].to == [people["editor"].email] and "published" in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_moderator_sends_back_with_a_comment_and_the_editor_fixes_it(
    people: dict[str, Any], org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lab = submit_lab(people, org, established_on="2031-03-01")
    moderator = client_for(people["moderator"])
    url = f"/en/cooperation/labs/{lab.pk}/review/"
    assert "Say what should change" in moderator.post(url, {"action": "send_back"}, follow=True).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        review(people["moderator"], lab, "send_back", "The lab opened in 2021, not 2031.")
    lab.refresh_from_db()
    assert lab.review_status == "sent_back" and lab.review_comment == "The lab opened in 2021, not 2031."
    assert mail.outbox[-1].to == [people["editor"].email] and "not 2031" in mail.outbox[-1].body
    page = client_for(people["editor"]).get(f"/en/cooperation/labs/{lab.pk}/").content.decode()
    assert "Sent back" in page and "not 2031" in page
    assert "Sino-Kenyan Water Lab" not in moderator.get("/en/cooperation/review/").content.decode()
    fixed = lab_data(org, established_on="2021-03-01")
    client_for(people["editor"]).post(f"/en/cooperation/labs/{lab.pk}/edit/", fixed)
    lab.refresh_from_db()
    assert lab.review_status == "submitted" and lab.established_on == date(2021, 3, 1) and not lab.is_published
    review(people["moderator"], lab, "publish")
    actions = list(AuditEntry.objects.filter(object_id=str(lab.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["submit", "send_back", "submit", "publish"]


@pytest.mark.django_db
def test_a_change_to_a_published_lab_waits_while_the_public_sees_the_published_version(
    people: dict[str, Any], org: Any, published_lab: JointLab
) -> None:
    url = f"/en/cooperation/labs/{published_lab.pk}/"
    client_for(people["editor"]).post(url + "edit/", lab_data(org, "Soil and Water Lab", established_on="2020-01-01"))
    published_lab.refresh_from_db()
    assert str(published_lab) == "Sino-Kenyan Soil Lab" and published_lab.review_status == "submitted"
    public = client_for(None).get(url).content.decode()
    assert "Sino-Kenyan Soil Lab" in public and "Soil and Water Lab" not in public
    assert client_for(None).get(f"/api/v1/labs/{published_lab.pk}").json()["name"] == "Sino-Kenyan Soil Lab"
    own = client_for(people["editor"]).get(url).content.decode()
    assert "Change awaiting review" in own and "Soil and Water Lab" in own
    assert "Soil and Water Lab" not in client_for(None).get(url + "history/").content.decode()
    assert "Soil and Water Lab" in client_for(people["editor"]).get(url + "history/").content.decode()
    assert 'value="Soil and Water Lab"' in client_for(people["editor"]).get(url + "edit/").content.decode()
    review(people["moderator"], published_lab, "publish")
    published_lab.refresh_from_db()
    assert str(published_lab) == "Soil and Water Lab" and published_lab.pending is None
    assert [p.organisation for p in published_lab.partners.all()] == [org]


@pytest.mark.django_db
def test_withdrawing_drops_a_pending_change_and_turns_a_new_record_into_a_draft(
    people: dict[str, Any], org: Any, published_lab: JointLab
) -> None:
    url = f"/en/cooperation/labs/{published_lab.pk}/"
    client_for(people["editor"]).post(url + "edit/", lab_data(org, "Renamed Lab", established_on="2020-01-01"))
    assert review(people["other_editor"], published_lab, "withdraw").status_code == 403
    review(people["editor"], published_lab, "withdraw")
    published_lab.refresh_from_db()
    assert published_lab.pending is None and published_lab.review_status == "published"
    assert str(published_lab) == "Sino-Kenyan Soil Lab"
    new = JointLab.all_records.get(pk=submit_lab_beside(people, org))
    review(people["editor"], new, "withdraw")
    new.refresh_from_db()
    assert new.review_status == "draft" and not new.is_published
    queue = client_for(people["moderator"]).get("/en/cooperation/review/").content.decode()
    assert "Sino-Kenyan Water Lab" not in queue


def submit_lab_beside(people: dict[str, Any], org: Any) -> int:
    client_for(people["editor"]).post("/en/cooperation/labs/new/", lab_data(org))
    return JointLab.all_records.get(names__en="Sino-Kenyan Water Lab").pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_review_permission_matrix_on_pages(role: str, people: dict[str, Any], org: Any) -> None:
    """Submit (an editor's own organisation), see the submission, withdraw it, publish it."""
    user = people[role]
    response = client_for(user).post("/en/cooperation/labs/new/", lab_data(org))
    created = JointLab.all_records.filter(names__en="Sino-Kenyan Water Lab").first()
    if role in MAY_PUBLISH:
        assert created is not None and created.is_published
        return
    assert (created is not None) is (role in MAY_SUBMIT), response.status_code
    lab = created or submit_lab(people, org)
    detail = client_for(user).get(f"/en/cooperation/labs/{lab.pk}/")
    assert detail.status_code == (200 if role in MAY_SUBMIT else 404)
    publish = review(user, lab, "publish")
    assert publish.status_code == (302 if user is None else 404 if role not in MAY_SUBMIT else 403)
    withdraw = review(user, lab, "withdraw")
    assert withdraw.status_code == (302 if role in MAY_SUBMIT or user is None else 404)
    lab.refresh_from_db()
    assert not lab.is_published
    assert lab.review_status == ("draft" if role in MAY_SUBMIT else "submitted")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_review_permission_matrix_through_the_api(role: str, people: dict[str, Any], org: Any) -> None:
    client, headers = client_for(None), api_headers(people[role])
    values = {"name": "API Lab", "established_on": "2021-03-01", "partners": [f"{org.name} | host"]}
    create = client.post("/api/v1/cooperation/labs", json.dumps({"values": values}),
                         content_type="application/json", **headers)  # fmt: skip
    anonymous, submitter = people[role] is None, role in MAY_SUBMIT | MAY_PUBLISH
    assert create.status_code == (401 if anonymous else 201 if submitter else 403), create.content
    if role in MAY_PUBLISH:
        assert create.json()["review_status"] == "published"
        return
    if not submitter:
        create = client.post("/api/v1/cooperation/labs", json.dumps({"values": values}),
                             content_type="application/json", **api_headers(people["editor"]))  # fmt: skip
    pk = create.json()["id"]
    assert create.json()["review_status"] == "submitted"
    publish = client.post(f"/api/v1/cooperation/labs/{pk}/publish", **headers)
    assert publish.status_code == (401 if anonymous else 403 if submitter else 404)
    back = client.post(f"/api/v1/cooperation/labs/{pk}/send-back", json.dumps({"comment": "No."}),
                       content_type="application/json", **headers)  # fmt: skip
    assert back.status_code == publish.status_code
    withdraw = client.post(f"/api/v1/cooperation/labs/{pk}/withdraw", **headers)
    assert withdraw.status_code == (401 if anonymous else 200 if submitter else 404)
    moderator = api_headers(people["moderator"])
    if submitter:  # withdrawn: nothing to publish until it is submitted again
        assert client.post(f"/api/v1/cooperation/labs/{pk}/publish", **moderator).status_code == 422
    else:
        assert client.post(f"/api/v1/cooperation/labs/{pk}/publish", **moderator).json()["review_status"] == "published"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "countries", "allowed"),
    [("officer", "CN, KE", True), ("officer", "CN, FR", False), ("editor", "CN, KE", False),
     ("moderator", "CN, FR", True)],
)  # fmt: skip
def test_intergovernmental_agreements_come_from_a_programme_officer_or_a_moderator(
    people: dict[str, Any], role: str, countries: str, allowed: bool
) -> None:
    data = {"name": "S&T agreement", "kind": "intergovernmental", "countries_text": countries}
    client_for(people[role]).post("/en/cooperation/agreements/new/", data)
    agreement = Agreement.all_records.first()
    assert (agreement is not None) is allowed
    if agreement is not None and role == "officer":
        assert not agreement.is_published and agreement.review_status == "submitted"
        page = client_for(people["officer"]).get(f"/en/cooperation/agreements/{agreement.pk}/edit/")
        assert page.status_code == 200  # officers of a party change it


@pytest.mark.django_db
def test_the_queue_has_constant_queries(people: dict[str, Any], org: Any, django_assert_num_queries: Any) -> None:
    client = client_for(people["moderator"])
    client.get("/en/cooperation/review/")
    for name in ("One", "Two", "Three"):
        client_for(people["editor"]).post("/en/cooperation/labs/new/", lab_data(org, name))
    with django_assert_num_queries(12):  # session, user, 4 kinds and outputs awaiting, and of own submissions
        page = client.get("/en/cooperation/review/").content.decode()
    assert all(name in page for name in ("One", "Two", "Three"))


@pytest.mark.django_db
def test_an_editor_deletes_a_submission_never_published_but_not_a_published_record(
    people: dict[str, Any], org: Any, published_lab: JointLab
) -> None:
    lab = JointLab.all_records.get(pk=submit_lab_beside(people, org))
    editor = client_for(people["editor"])
    assert editor.post(f"/en/cooperation/labs/{lab.pk}/delete/").status_code == 302
    assert not JointLab.all_records.filter(pk=lab.pk).exists()
    assert editor.post(f"/en/cooperation/labs/{published_lab.pk}/delete/").status_code == 403
    assert client_for(people["other_editor"]).get(f"/en/cooperation/labs/{published_lab.pk}/delete/").status_code == 403
