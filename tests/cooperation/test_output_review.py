"""Outputs pass the same review as the records (pages and API), and a moderator's direct
edit never drops a change awaiting review unseen."""

import json
from typing import Any

import pytest
from django.core import mail

from silkbridge.api.opendata import rows
from silkbridge.cooperation import domain
from silkbridge.cooperation.models import JointLab, Output
from silkbridge.core.models import AuditEntry
from tests.conftest import client_for
from tests.cooperation.test_review import ROLES, lab_data, review
from tests.registry.test_permissions import api_headers

MAY_SUBMIT = {"editor"}  # an editor of an organisation of the lab
MAY_PUBLISH = {"moderator", "staff"}
OUTPUT = {"kind": "publication", "year": "2022", "count": "1", "identifier": "10.5555/silkbridge.test"}


def outputs_url(lab: JointLab) -> str:
    return f"/en/cooperation/labs/{lab.pk}/outputs/"


def submitted_output(people: dict[str, Any], lab: JointLab) -> Output:
    response = client_for(people["editor"]).post(outputs_url(lab) + "new/", OUTPUT)
    assert response.status_code == 302
    return Output.all_records.get(lab=lab)


def public_sees(lab: JointLab, text: str = "10.5555/silkbridge.test") -> bool:
    return text in client_for(None).get(lab.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_editors_output_is_public_only_once_a_moderator_publishes_it(
    people: dict[str, Any], published_lab: JointLab, django_capture_on_commit_callbacks: Any
) -> None:
    output = submitted_output(people, published_lab)
    assert not output.is_published and output.review_status == "submitted"
    assert output.submitted_by == people["editor"]
    assert not public_sees(published_lab) and list(rows("outputs")) == []
    api = client_for(None).get(f"/api/v1/cooperation/labs/{published_lab.pk}/outputs")
    assert api.status_code == 200 and api.json()["items"] == []
    own = client_for(people["editor"]).get(published_lab.get_absolute_url()).content.decode()
    assert "10.5555/silkbridge.test" in own and "Not public: awaiting review" in own
    queue = client_for(people["moderator"]).get("/en/cooperation/review/").content.decode()
    assert "Publication 2022" in queue and "Sino-Kenyan Soil Lab" in queue and output.review_url in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = review_output(people["moderator"], output, "publish")
    assert response.status_code == 302
    output.refresh_from_db()
    assert output.is_published and output.review_status == "published"
    assert public_sees(published_lab) and [r["identifier"] for r in rows("outputs")] == ["10.5555/silkbridge.test"]
    assert mail.outbox[-1].to == [people["editor"].email] and "published" in mail.outbox[-1].body
    actions = list(AuditEntry.objects.filter(object_id=str(output.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["publish", "submit"]


def review_output(user: Any, output: Output, action: str, comment: str = "") -> Any:
    url = f"/en/cooperation/labs/{output.lab_id}/outputs/{output.pk}/review/"
    return client_for(user).post(url, {"action": action, "comment": comment})


@pytest.mark.django_db
def test_a_change_to_a_published_output_waits_and_a_send_back_reaches_the_submitter(
    people: dict[str, Any], published_lab: JointLab, django_capture_on_commit_callbacks: Any
) -> None:
    output = Output.objects.create(lab=published_lab, kind="patent", year=2020, identifier="CN1")
    url = f"{outputs_url(published_lab)}{output.pk}/"
    client_for(people["editor"]).post(url, {**OUTPUT, "kind": "patent", "identifier": "CN2"})
    output.refresh_from_db()
    assert output.identifier == "CN1" and output.review_status == "submitted"
    assert public_sees(published_lab, "CN1") and not public_sees(published_lab, "CN2")
    assert 'value="CN2"' in client_for(people["editor"]).get(url).content.decode()  # the change, to edit again
    moderator = client_for(people["moderator"])
    refused = moderator.post(f"{url}review/", {"action": "send_back"}, follow=True)
    assert "Say what should change" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        review_output(people["moderator"], output, "send_back", "Which patent office?")
    output.refresh_from_db()
    assert output.review_status == "sent_back" and output.identifier == "CN1"
    assert mail.outbox[-1].to == [people["editor"].email] and "Which patent office?" in mail.outbox[-1].body
    assert "Which patent office?" in client_for(people["editor"]).get(url).content.decode()
    client_for(people["editor"]).post(url, {**OUTPUT, "kind": "patent", "identifier": "CN112345678A"})
    review_output(people["moderator"], output, "publish")
    output.refresh_from_db()
    assert output.identifier == "CN112345678A" and output.year == 2022 and output.pending is None
    assert public_sees(published_lab, "CN112345678A")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_output_permission_matrix_on_pages(role: str, people: dict[str, Any], published_lab: JointLab) -> None:
    """Add an output, see one awaiting review, open its page, publish it, withdraw it."""
    user, lab = people[role], published_lab
    response = client_for(user).post(outputs_url(lab) + "new/", OUTPUT)
    created = Output.all_records.filter(lab=lab).first()
    assert response.status_code == (302 if role in MAY_SUBMIT | MAY_PUBLISH or user is None else 403)
    assert (created is not None) is (role in MAY_SUBMIT | MAY_PUBLISH)
    if role in MAY_PUBLISH:
        assert created is not None and created.is_published and created.review_status == "published"
        created.delete()
    output = created if role in MAY_SUBMIT else submitted_output(people, lab)
    sees = "10.5555/silkbridge.test" in client_for(user).get(lab.get_absolute_url()).content.decode()
    assert sees is (role in MAY_SUBMIT | MAY_PUBLISH)
    edit = client_for(user).get(f"{outputs_url(lab)}{output.pk}/")
    assert edit.status_code == (200 if role in MAY_SUBMIT | MAY_PUBLISH else 302 if user is None else 403)
    publish = review_output(user, output, "publish")
    unseen = 302 if user is None else 404
    assert publish.status_code == (302 if role in MAY_PUBLISH else 403 if role in MAY_SUBMIT else unseen)
    output.refresh_from_db()
    assert output.is_published is (role in MAY_PUBLISH)
    if role in MAY_PUBLISH:
        return
    withdraw = review_output(user, output, "withdraw")
    assert withdraw.status_code == (302 if role in MAY_SUBMIT else unseen)
    output.refresh_from_db()
    assert output.review_status == ("draft" if role in MAY_SUBMIT else "submitted") and not output.is_published


def api(method: str, path: str, user: Any, body: dict[str, Any] | None = None) -> Any:
    send = getattr(client_for(None), method)
    data = json.dumps(body) if body is not None else None
    return send(f"/api/v1/cooperation/labs/{path}", data, content_type="application/json", **api_headers(user))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_output_permission_matrix_through_the_api(role: str, people: dict[str, Any], published_lab: JointLab) -> None:
    user, lab, anonymous = people[role], published_lab, people[role] is None
    create = api("post", f"{lab.pk}/outputs", user, {"values": OUTPUT})
    writer = role in MAY_SUBMIT | MAY_PUBLISH
    assert create.status_code == (401 if anonymous else 201 if writer else 403), create.content
    if role in MAY_PUBLISH:
        assert create.json()["review_status"] == "published"
        assert api("get", f"{lab.pk}/outputs", None).json()["items"][0]["identifier"] == OUTPUT["identifier"]
        return
    if not writer:
        create = api("post", f"{lab.pk}/outputs", people["editor"], {"values": OUTPUT})
    pk = create.json()["id"]
    assert create.json()["review_status"] == "submitted"
    listed = [o["id"] for o in api("get", f"{lab.pk}/outputs", user).json()["items"]]
    assert listed == ([pk] if writer else [])
    bad = api("patch", f"{lab.pk}/outputs/{pk}", user, {"values": {"year": "1800"}})
    assert bad.status_code == (401 if anonymous else 422 if writer else 404)  # 404: not theirs to see
    publish = api("post", f"{lab.pk}/outputs/{pk}/publish", user)
    assert publish.status_code == (401 if anonymous else 403 if writer else 404)
    back = api("post", f"{lab.pk}/outputs/{pk}/send-back", user, {"comment": "No."})
    assert back.status_code == publish.status_code
    withdraw = api("post", f"{lab.pk}/outputs/{pk}/withdraw", user)
    assert withdraw.status_code == (401 if anonymous else 200 if writer else 404)
    output = Output.all_records.get(pk=pk)
    assert output.year == 2022 and output.review_status == ("draft" if writer else "submitted")
    delete = api("delete", f"{lab.pk}/outputs/{pk}", user)
    assert delete.status_code == (401 if anonymous else 204 if writer else 404)
    assert Output.all_records.filter(pk=pk).exists() is not writer


@pytest.mark.django_db
def test_a_moderator_sees_a_pending_change_and_may_not_edit_over_it(
    people: dict[str, Any], org: Any, published_lab: JointLab
) -> None:
    url = f"/en/cooperation/labs/{published_lab.pk}/"
    client_for(people["editor"]).post(url + "edit/", lab_data(org, "Soil and Water Lab", established_on="2020-01-01"))
    moderator = client_for(people["moderator"])
    page = moderator.get(url + "edit/").content.decode()
    assert "A change awaits review" in page and str(people["editor"]) in page and "Soil and Water Lab" in page
    assert 'name="name"' not in page  # no form to fill in over the change, but the review's buttons
    assert f'action="{url}review/"' in page and "Publish" in page and "Send back" in page
    refused = moderator.post(url + "edit/", lab_data(org, "Moderator's Lab", established_on="2020-01-01"))
    assert refused.status_code == 409 and "Publish it or send it back first" in refused.content.decode()
    published_lab.refresh_from_db()
    assert str(published_lab) == "Sino-Kenyan Soil Lab" and published_lab.review_status == "submitted"
    assert published_lab.pending["data"]["names"]["value"]["en"] == "Soil and Water Lab"
    review(people["moderator"], published_lab, "send_back", "Keep the old name.")
    assert (
        moderator.post(url + "edit/", lab_data(org, "Moderator's Lab", established_on="2020-01-01")).status_code == 409
    )
    review(people["editor"], published_lab, "withdraw")
    assert (
        moderator.post(url + "edit/", lab_data(org, "Moderator's Lab", established_on="2020-01-01")).status_code == 302
    )
    published_lab.refresh_from_db()
    assert str(published_lab) == "Moderator's Lab" and published_lab.review_status == "published"


@pytest.mark.django_db
def test_a_moderator_may_not_edit_over_an_outputs_pending_change(
    people: dict[str, Any], published_lab: JointLab
) -> None:
    output = Output.objects.create(lab=published_lab, kind="patent", year=2020, identifier="CN1")
    url = f"{outputs_url(published_lab)}{output.pk}/"
    client_for(people["editor"]).post(url, {**OUTPUT, "kind": "patent", "identifier": "CN2"})
    page = client_for(people["moderator"]).get(url).content.decode()
    assert "A change awaits review" in page and "CN2" in page and str(people["editor"]) in page
    assert f'action="{url}review/"' in page
    assert client_for(people["moderator"]).post(url, {**OUTPUT, "identifier": "CN3"}).status_code == 409
    refused = api("patch", f"{published_lab.pk}/outputs/{output.pk}", people["moderator"], {"values": {"year": 2021}})
    assert refused.status_code == 422 and "awaiting review" in refused.json()["details"]["__all__"][0]
    output.refresh_from_db()
    assert output.identifier == "CN1" and output.pending["data"]["identifier"] == "CN2"
    with pytest.raises(Exception, match="awaiting review"):
        domain.save_output(output, data={"year": 2021}, actor=people["moderator"])
    assert review_output(people["moderator"], output, "publish").status_code == 302  # from that page
    output.refresh_from_db()
    assert output.identifier == "CN2" and output.pending is None


@pytest.mark.django_db
def test_an_import_reports_a_record_with_a_change_awaiting_review_and_keeps_it(
    people: dict[str, Any], org: Any, published_lab: JointLab
) -> None:
    from silkbridge.cooperation.importing import run_import

    JointLab.all_records.filter(pk=published_lab.pk).update(external_id="lab-soil")
    url = f"/en/cooperation/labs/{published_lab.pk}/edit/"
    client_for(people["editor"]).post(url, lab_data(org, "Soil and Water Lab", established_on="2020-01-01"))
    row = {"external_id": "lab-soil", "name": "Imported Lab", "partners": f"{org.name} | host"}
    report = run_import("labs", [row], actor=None, dry_run=False)
    assert [(n, column) for n, column, _m in report.errors] == [(2, "external_id")]
    assert "awaiting review" in report.errors[0][2]
    published_lab.refresh_from_db()
    assert str(published_lab) == "Sino-Kenyan Soil Lab" and published_lab.pending is not None


@pytest.mark.django_db
def test_the_output_lists_have_constant_queries(
    people: dict[str, Any], published_lab: JointLab, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor, queries = client_for(people["editor"]), []
    for count in (1, 3):
        while Output.all_records.count() < count:
            Output.objects.create(lab=published_lab, kind="dataset", year=2020 + Output.all_records.count())
        with django_assert_num_queries(2):  # the lab, its outputs
            body = client_for(None).get(f"/api/v1/cooperation/labs/{published_lab.pk}/outputs").json()
        assert len(body["items"]) == body["count"] == count
        with CaptureQueriesContext(connection) as page_queries:
            page = editor.get(published_lab.get_absolute_url()).content.decode()
        assert page.count("Dataset, 20") == count
        queries.append(len(page_queries))
    assert queries[0] == queries[1]
