"""Account writes: sign-up with e-mail confirmation, API tokens.

Sign-up never changes an existing account and answers the same in every case, so that it
neither lets a stranger take over an address nor tells which addresses have accounts: a
new address gets a confirmation link; an address that already has an account gets an
e-mail to its owner instead (log in, or choose a password, which also confirms it).
A confirmation link is bound to the account's state (password, address, confirmation), so
that any change to the account makes earlier links invalid."""

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from silkbridge.accounts.models import ApiToken, User, hash_token
from silkbridge.core import audit

_CONFIRM_SALT = "silkbridge.accounts.confirm-email"


def _state(user: User) -> str:
    """A keyed hash of what a confirmation link may not outlive: the password, the address,
    whether it is confirmed and whether the account is active."""
    value = f"{user.pk}|{user.password}|{user.email}|{user.email_confirmed}|{user.is_active}"
    return salted_hmac(_CONFIRM_SALT, value).hexdigest()[:32]


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=_CONFIRM_SALT)


@transaction.atomic
def register_user(
    *, email: str, password: str, display_name: str, organisation: Any = None, organisation_name: str = ""
) -> User | None:
    """Create an inactive account and e-mail a confirmation link in the current language.

    When the address already has an account, confirmed or not, nothing is changed: its
    owner gets an e-mail saying so, with a link to log in and one to choose a new password
    (which confirms the address too). Returns the new account, or None in that case."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # as long as a real sign-up takes: the answer time tells nothing
        _mail_existing_owner(existing)
        return None
    user = User.objects.create_user(
        email,
        password,
        display_name=display_name,
        is_active=False,
        organisation=organisation,
        organisation_name=organisation_name,
    )
    audit.record(actor=user, action="sign-up", obj=user)
    link = settings.SITE_URL + reverse("accounts:confirm", args=[confirmation_token(user)])
    body = render_to_string("accounts/email/confirm_email.txt", {"user": user, "link": link})
    subject = _("Confirm your Silkbridge account")
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return user


def _mail_existing_owner(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "login_link": settings.SITE_URL + reverse("accounts:login"),
        "password_link": settings.SITE_URL
        + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
    }
    body = render_to_string("accounts/email/signup_existing.txt", context)
    subject = _("Someone tried to sign up with your e-mail address")
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


def confirm_email(token: str) -> User | None:
    """Activate the account the token names; None for a bad, expired or outdated token (the
    account changed since the link was sent, or was already confirmed)."""
    max_age = settings.SILKBRIDGE_EMAIL_CONFIRM_MAX_AGE
    try:
        payload = signing.loads(token, salt=_CONFIRM_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = User.objects.filter(pk=payload["u"]).first()
    if user is None or user.email_confirmed or not constant_time_compare(str(payload.get("s")), _state(user)):
        return None
    user.email_confirmed = True
    user.is_active = True
    user.save(update_fields=["email_confirmed", "is_active"])
    audit.record(actor=user, action="confirm-email", obj=user)
    return user


def confirm_by_password_reset(user: User) -> None:
    """Choosing a password through a link sent to the address proves the address: an
    account that was never confirmed is confirmed and activated."""
    if not user.email_confirmed:
        user.email_confirmed = True
        user.is_active = True
        user.save(update_fields=["email_confirmed", "is_active"])
        audit.record(actor=user, action="confirm-email", obj=user)


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_token(key))
    audit.record(actor=user, action="create-token", obj=token)
    return token, key


def revoke_api_token(token: ApiToken, *, actor: User | None) -> None:
    if token.is_active:
        token.revoke()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="revoke-token", obj=token)


def user_for_api_key(key: str) -> User | None:
    """The active user behind an unrevoked token, updating its last use."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
