"""Permission matrix: every role x every action, through the pages and the API,
asserting the exact outcome (status and what the response contains)."""

import json
from typing import Any

import pytest

from silkbridge.accounts.domain import create_api_token
from silkbridge.registry.models import Expert, Organisation
from tests.conftest import client_for

ROLES = ["anonymous", "member", "editor", "other_editor", "moderator", "staff"]

# Organisation: who may do what (True = allowed).
ORG_MATRIX = {
    "view_public": dict.fromkeys(ROLES, True),
    "view_members": {**dict.fromkeys(ROLES, True), "anonymous": False},
    "view_contact": {r: r in {"editor", "moderator", "staff"} for r in ROLES},
    "edit": {r: r in {"editor", "moderator", "staff"} for r in ROLES},
    "delete": {r: r == "staff" for r in ROLES},
}


def api_headers(user: Any) -> dict[str, str]:
    if user is None:
        return {}
    _token, key = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_organisation_matrix_pages(role: str, roles: dict[str, Any], org: Organisation) -> None:
    user, client = roles[role], client_for(roles[role])
    detail = client.get(f"/en/organisations/{org.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert org.name in html
    assert ("People acting for this organisation" in html) is ORG_MATRIX["view_members"][role]
    assert ("office@example.org" in html) is ORG_MATRIX["view_contact"][role]

    edit = client.get(f"/en/organisations/{org.pk}/edit/")
    delete = client.get(f"/en/organisations/{org.pk}/delete/")
    for response, action in ((edit, "edit"), (delete, "delete")):
        if user is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == (200 if ORG_MATRIX[action][role] else 403), action


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_organisation_matrix_api(role: str, roles: dict[str, Any], org: Organisation) -> None:
    user, client = roles[role], client_for(None)
    headers = api_headers(user)
    body = client.get(f"/api/v1/organisations/{org.pk}", **headers).json()
    assert body["name"] == org.name
    assert (body["members"] is not None) is ORG_MATRIX["view_members"][role]
    assert (body["contact_email"] == "office@example.org") is ORG_MATRIX["view_contact"][role]
    if not ORG_MATRIX["view_contact"][role]:
        assert body["contact_email"] is None

    patch = client.patch(
        f"/api/v1/organisations/{org.pk}", json.dumps({"city": "Mombasa"}), content_type="application/json", **headers
    )
    expected_patch = 401 if user is None else (200 if ORG_MATRIX["edit"][role] else 403)
    assert patch.status_code == expected_patch
    org.refresh_from_db()
    assert (org.city == "Mombasa") is (expected_patch == 200)

    delete = client.delete(f"/api/v1/organisations/{org.pk}", **headers)
    expected_delete = 401 if user is None else (204 if ORG_MATRIX["delete"][role] else 403)
    assert delete.status_code == expected_delete
    assert Organisation.objects.filter(pk=org.pk).exists() is (expected_delete != 204)


EXPERT_ROLES = [*ROLES, "owner"]


def expert_allowed(action: str, visibility: str, role: str) -> bool:
    if action == "view":
        return {
            "public": True,
            "members": role != "anonymous",
            "hidden": role in {"owner", "staff"},
        }[visibility]
    return role in {"owner", "staff"}  # view_contact, edit, delete


def wanjiru(owner: Any, visibility: str) -> Expert:
    return Expert.objects.create(
        user=owner, name="Wanjiru Test", visibility=visibility, email="wanjiru@private.example", phone="+254 1"
    )


@pytest.fixture
def expert_roles(roles: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import UserFactory

    return {**roles, "owner": UserFactory()}


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "members", "hidden"])
@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_expert_matrix_pages(role: str, visibility: str, expert_roles: dict[str, Any], org: Organisation) -> None:
    expert = wanjiru(expert_roles["owner"], visibility)
    expert.affiliations.set([org])
    user, client = expert_roles[role], client_for(expert_roles[role])
    page = client.get(f"/en/experts/{expert.pk}/")
    can_view = expert_allowed("view", visibility, role)
    assert page.status_code == (200 if can_view else 404)
    html = page.content.decode()
    assert ("Wanjiru Test" in html) is can_view
    assert ("wanjiru@private.example" in html) is (can_view and expert_allowed("contact", visibility, role))

    for suffix in ("edit", "delete"):
        response = client.get(f"/en/experts/{expert.pk}/{suffix}/")
        if user is None:
            assert response.status_code == 302
        elif not can_view:
            assert response.status_code == 404
        else:
            assert response.status_code == (200 if expert_allowed(suffix, visibility, role) else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["public", "members", "hidden"])
@pytest.mark.parametrize("role", EXPERT_ROLES)
def test_expert_matrix_api(role: str, visibility: str, expert_roles: dict[str, Any]) -> None:
    expert = wanjiru(expert_roles["owner"], visibility)
    user, client = expert_roles[role], client_for(None)
    headers = api_headers(user)
    can_view = expert_allowed("view", visibility, role)
    detail = client.get(f"/api/v1/experts/{expert.pk}", **headers)
    assert detail.status_code == (200 if can_view else 404)
    listed = [e["id"] for e in client.get("/api/v1/experts", **headers).json()["items"]]
    assert (expert.pk in listed) is can_view
    if can_view:
        sees_contact = expert_allowed("contact", visibility, role)
        assert (detail.json()["email"] == "wanjiru@private.example") is sees_contact
        assert (detail.json()["phone"] == "+254 1") is sees_contact

    patch = client.patch(
        f"/api/v1/experts/{expert.pk}", json.dumps({"bio": "New bio"}), content_type="application/json", **headers
    )
    if user is None:
        expected = 401
    elif not can_view:
        expected = 404
    else:
        expected = 200 if expert_allowed("edit", visibility, role) else 403
    assert patch.status_code == expected, patch.content
    expert.refresh_from_db()
    assert (expert.bio == "New bio") is (expected == 200)

    delete = client.delete(f"/api/v1/experts/{expert.pk}", **headers)
    assert delete.status_code == (expected if expected != 200 else 204)
    assert Expert.objects.filter(pk=expert.pk).exists() is (expected != 200)


@pytest.mark.django_db
def test_anonymous_never_receives_hidden_profiles_or_contact_details(roles: dict[str, Any], org: Organisation) -> None:
    hidden = Expert.objects.create(name="Hidden Person", visibility="hidden", email="h@private.example", phone="+1 555")
    members = Expert.objects.create(name="Members Person", visibility="members", email="m@private.example")
    public = Expert.objects.create(name="Public Person", visibility="public", email="p@private.example", phone="+2 555")
    for expert in (hidden, members, public):
        expert.affiliations.set([org])
    client = client_for(None)
    urls = [
        "/en/", "/en/experts/", "/en/experts/?q=person", f"/en/organisations/{org.pk}/", "/en/countries/KE/",
        f"/en/organisations/{org.pk}/history/", "/api/v1/experts", "/api/v1/experts?q=person",
        f"/api/v1/experts/{public.pk}", f"/api/v1/organisations/{org.pk}", "/api/v1/organisations?q=institute",
    ]  # fmt: skip
    for url in urls:
        body = client.get(url).content.decode()
        for secret in ("Hidden Person", "Members Person", "private.example", "+1 555", "+2 555", "office@example.org"):
            assert secret not in body, (url, secret)
    assert "Public Person" in client.get("/en/experts/").content.decode()
