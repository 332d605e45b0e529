"""My account (organisations and roles) and requests for editor rights: a person asks, the
organisation's editors or a moderator decide."""

from typing import Any

import pytest
from django.core import mail

from silkbridge.accounts.models import Membership
from silkbridge.cooperation.models import ProgrammeOfficer
from silkbridge.core.models import AuditEntry
from silkbridge.registry.models import EditorRequest
from tests.conftest import client_for


@pytest.mark.django_db
def test_my_account_shows_organisations_and_roles(roles: dict[str, Any], org: Any) -> None:
    ProgrammeOfficer.objects.create(user=roles["editor"], country_id="KE")
    page = client_for(roles["editor"]).get("/en/account/").content.decode()
    assert "Organisation editor" in page and org.name in page and "Programme officer for Kenya" in page
    assert "Moderator" in client_for(roles["moderator"]).get("/en/account/").content.decode()
    assert client_for(None).get("/en/account/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decider", "allowed"),
    [("editor", True), ("moderator", True), ("staff", True), ("other_editor", False), ("member", False)],
)
def test_a_member_asks_for_editor_rights_and_an_editor_or_moderator_decides(
    roles: dict[str, Any], org: Any, decider: str, allowed: bool, django_capture_on_commit_callbacks: Any
) -> None:
    member = roles["member"]
    client_for(member).post(f"/en/organisations/{org.pk}/ask-editor-rights/")
    client_for(member).post(f"/en/organisations/{org.pk}/ask-editor-rights/")  # never two open requests
    request = EditorRequest.objects.get()
    assert "asks to become an editor" in client_for(roles["editor"]).get("/en/account/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(roles[decider]).post(f"/en/account/editor-requests/{request.pk}/",
                                                   {"decision": "accept", "from": "account"})  # fmt: skip
    assert response.status_code == (302 if allowed else 403)
    editor = Membership.objects.filter(user=member, organisation=org, role="editor").exists()
    assert editor is allowed
    if allowed:
        assert mail.outbox[-1].to == [member.email] and "now an editor" in mail.outbox[-1].body
        assert AuditEntry.objects.filter(action="decide_editor_request").exists()


@pytest.mark.django_db
def test_editors_and_anonymous_visitors_are_not_offered_to_ask(roles: dict[str, Any], org: Any) -> None:
    assert (
        "Ask to become an editor"
        not in client_for(roles["editor"]).get(f"/en/organisations/{org.pk}/").content.decode()
    )
    assert "Ask to become an editor" in client_for(roles["member"]).get(f"/en/organisations/{org.pk}/").content.decode()
    assert client_for(roles["editor"]).post(f"/en/organisations/{org.pk}/ask-editor-rights/").status_code == 403
    declined = client_for(roles["member"])
    declined.post(f"/en/organisations/{org.pk}/ask-editor-rights/")
    request = EditorRequest.objects.get()
    client_for(roles["moderator"]).post(f"/en/account/editor-requests/{request.pk}/", {"decision": "decline"})
    request.refresh_from_db()
    assert request.status == "declined" and not Membership.objects.filter(user=roles["member"]).exists()
