import re
from typing import Any

import pytest
from django.test import Client

from silkbridge.accounts.models import ApiToken, User
from tests.conftest import client_for
from tests.factories import UserFactory

SIGNUP = {
    "display_name": "Ada Test",
    "email": "Ada@Example.org",
    "password1": "a-long-passphrase-9",
    "password2": "a-long-passphrase-9",
}


@pytest.mark.django_db
def test_signup_sends_a_confirmation_link_that_activates_the_account(
    client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/signup/", SIGNUP)
    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get(email="ada@example.org")
    assert not user.is_active and not user.email_confirmed
    refused = client.post("/en/accounts/login/", {"username": "ada@example.org", "password": SIGNUP["password1"]})
    assert "confirm your address first" in refused.content.decode()
    link = re.search(r"https?://\S+/confirm/\S+/", mailoutbox[0].body).group(0)  # type: ignore[union-attr]
    confirm = client.get(link[link.index("/en/") :])
    assert "Your e-mail address is confirmed" in confirm.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed


@pytest.mark.django_db
def test_signup_email_is_in_the_page_language(
    client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accounts/signup/", SIGNUP)
    assert mailoutbox[0].subject == "Confirmez votre compte Silkbridge"


@pytest.mark.django_db
def test_bad_confirmation_link_is_rejected(client: Any) -> None:
    response = client.get("/en/accounts/confirm/forged-token/")
    assert response.status_code == 400 and "This link is not valid" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"password2": "different-passphrase"}, "The two passwords differ."),
        ({"password1": "short", "password2": "short"}, "This password is too short."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
    ],
)
def test_bad_signup_gets_a_clear_error_and_creates_nothing(client: Any, change: dict[str, str], error: str) -> None:
    response = client.post("/en/accounts/signup/", {**SIGNUP, **change})
    assert error in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sign_up_with_a_taken_address_answers_as_for_a_new_one_and_mails_the_owner(
    client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Sign-up does not tell which addresses have accounts: the same page either way."""
    owner = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/en/accounts/signup/", SIGNUP)
        fresh = client.post("/en/accounts/signup/", {**SIGNUP, "email": "grace@example.org"})
    assert taken.status_code == fresh.status_code == 200
    assert taken.content.decode().replace("ada@example.org", "X") == fresh.content.decode().replace(
        "grace@example.org", "X"
    )
    assert "already exists" not in taken.content.decode()
    assert User.objects.count() == 2
    owner.refresh_from_db()
    assert owner.display_name != "Ada Test" and owner.check_password("correct horse battery")
    to_owner = next(m for m in mailoutbox if m.to == ["ada@example.org"])
    assert to_owner.subject == "Someone tried to sign up with your e-mail address"
    assert "/en/accounts/login/" in to_owner.body and "/en/accounts/password-reset/" in to_owner.body


@pytest.mark.django_db
def test_login_and_logout(client: Any) -> None:
    user = UserFactory()
    response = client.post("/en/accounts/login/", {"username": user.email, "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get("/en/").context["user"] == user
    client.post("/en/accounts/logout/")
    assert not client.get("/en/").context["user"].is_authenticated


@pytest.mark.django_db
def test_login_attempts_are_rate_limited(client: Any) -> None:
    user = UserFactory()
    for _attempt in range(5):
        client.post("/en/accounts/login/", {"username": user.email, "password": "wrong"})
    locked = client.post("/en/accounts/login/", {"username": user.email, "password": "correct horse battery"})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert not client.get("/en/").context["user"].is_authenticated


@pytest.mark.django_db
def test_password_reset_mails_a_working_link(client: Any, mailoutbox: Any) -> None:
    user = UserFactory()
    client.post("/en/accounts/password-reset/", {"email": user.email})
    assert mailoutbox[0].subject == "Reset your Silkbridge password"
    path = re.search(r"http://testserver(/\S+)", mailoutbox[0].body).group(1)  # type: ignore[union-attr]
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-secret-77")


@pytest.mark.django_db
def test_user_creates_a_token_sees_it_once_and_can_revoke_it(client: Any) -> None:
    user = UserFactory()
    client.force_login(user)
    html = client.post("/en/accounts/tokens/", {"name": "my script"}).content.decode()
    key = re.search(r'<code class="token">(sb_[^<]+)</code>', html).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != key and key not in client.get("/en/accounts/tokens/").content.decode()
    assert client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["email"] == user.email
    client.post(f"/en/accounts/tokens/{token.pk}/revoke/")
    assert client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_nobody_can_revoke_someone_elses_token(client: Any) -> None:
    owner, intruder = UserFactory(), UserFactory()
    token = ApiToken.objects.create(user=owner, name="x", prefix="sb_x", key_hash="h" * 64)
    client.force_login(intruder)
    assert client.post(f"/en/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def _link(mail: Any, pattern: str) -> str:
    found = re.search(rf"https?://[^/\s]+(/\S*{pattern}\S*)", mail.body)
    assert found, mail.body
    return found.group(1)


@pytest.mark.django_db
def test_account_pre_hijack_story(client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    """The owner signs up; before they confirm, an attacker signs up again with the same
    address and another password. Nothing of the account changes, the owner's link still
    confirms the owner's account, and only the owner's password opens it."""
    owner, attacker = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/en/accounts/signup/", SIGNUP)
    confirm_link = _link(mailoutbox[0], "/confirm/")
    before = User.objects.values().get()
    attack = {**SIGNUP, "display_name": "Mallory", "password1": "attacker-pass-123", "password2": "attacker-pass-123"}
    with django_capture_on_commit_callbacks(execute=True):
        answer = attacker.post("/en/accounts/signup/", attack)
    assert "Check your e-mail" in answer.content.decode()
    assert User.objects.values().get() == before  # not one field changed
    assert mailoutbox[1].to == ["ada@example.org"]  # the owner is told, the attacker gets nothing
    assert "Your e-mail address is confirmed" in owner.get(confirm_link).content.decode()
    refused = attacker.post("/en/accounts/login/", {"username": "ada@example.org", "password": "attacker-pass-123"})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    accepted = owner.post("/en/accounts/login/", {"username": "ada@example.org", "password": SIGNUP["password1"]})
    assert accepted.status_code == 302
    user = User.objects.get()
    assert user.display_name == "Ada Test" and user.is_active and user.email_confirmed


@pytest.mark.django_db
def test_a_confirmation_link_dies_with_any_change_to_the_account(
    client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/signup/", SIGNUP)
    link = _link(mailoutbox[0], "/confirm/")
    user = User.objects.get()
    user.set_password("another-passphrase-1")
    user.save()
    assert client.get(link).status_code == 400
    user.refresh_from_db()
    assert not user.is_active and not user.email_confirmed
    # a link naming only the primary key (the old format) is refused too
    from django.core import signing

    old_style = signing.dumps(user.pk, salt="silkbridge.accounts.confirm-email")
    assert client.get(f"/en/accounts/confirm/{old_style}/").status_code == 400


@pytest.mark.django_db
def test_the_owner_of_an_address_someone_else_signed_up_with_first_takes_it_over(
    client: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """An attacker signs up first with the victim's address. When the victim signs up, they
    get a link to choose their own password, which confirms the account; the attacker's
    password no longer works."""
    attack = {**SIGNUP, "password1": "attacker-pass-123", "password2": "attacker-pass-123"}
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/en/accounts/signup/", attack)
        client.post("/en/accounts/signup/", SIGNUP)
    form_page = client.get(_link(mailoutbox[1], "/password-reset/"), follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "victims-own-pass-77", "new_password2": "victims-own-pass-77"},
    )
    assert done.status_code == 302
    user = User.objects.get()
    assert user.is_active and user.email_confirmed
    assert user.check_password("victims-own-pass-77") and not user.check_password("attacker-pass-123")


@pytest.mark.django_db
def test_a_display_name_may_not_hold_line_breaks(client: Any) -> None:
    client.post("/en/accounts/signup/", {**SIGNUP, "display_name": "Ada\r\nBcc: x@example.org"})
    assert User.objects.get().display_name == "Ada Bcc: x@example.org"


@pytest.mark.django_db
def test_signup_organisation_is_matched_to_the_registry(client: Any, reference: Any) -> None:
    from tests.factories import OrganisationFactory

    cau = OrganisationFactory(name="China Agricultural University", acronyms=["CAU"], country_id="CN", city="Beijing")
    # a free-text spelling: the matcher suggests the record and nothing is created yet
    response = client.post(
        "/en/accounts/signup/", {**SIGNUP, "organisation": "Dept. of Soil Science, China Agricultural Univ., Beijing"}
    )
    html = response.content.decode()
    assert "Did you mean “China Agricultural University”" in html
    assert not User.objects.exists()
    # typing the suggested name (or its acronym) links the account to the registry record
    client.post("/en/accounts/signup/", {**SIGNUP, "organisation": "CAU"})
    user = User.objects.get()
    assert user.organisation == cau and user.organisation_name == "CAU"


@pytest.mark.django_db
def test_signup_can_keep_an_organisation_that_is_not_in_the_registry(client: Any, reference: Any) -> None:
    client.post("/en/accounts/signup/", {**SIGNUP, "organisation": "Small Village Seed Bank", "keep_as_typed": "on"})
    user = User.objects.get()
    assert user.organisation is None and user.organisation_name == "Small Village Seed Bank"
