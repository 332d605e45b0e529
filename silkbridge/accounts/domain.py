"""Account writes: sign-up with e-mail confirmation, API tokens."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from silkbridge.accounts.models import ApiToken, User, hash_token
from silkbridge.core import audit

_CONFIRM_SALT = "silkbridge.accounts.confirm-email"


@transaction.atomic
def register_user(
    *, email: str, password: str, display_name: str, organisation: Any = None, organisation_name: str = ""
) -> User:
    """Create an inactive account (or renew one that was never confirmed) and e-mail a
    confirmation link in the current language."""
    user = User.objects.filter(email__iexact=email, email_confirmed=False).first()
    if user is None:
        user = User.objects.create_user(
            email,
            password,
            display_name=display_name,
            is_active=False,
            organisation=organisation,
            organisation_name=organisation_name,
        )
    else:
        user.set_password(password)
        user.display_name, user.organisation, user.organisation_name = display_name, organisation, organisation_name
        user.save(update_fields=["password", "display_name", "organisation", "organisation_name"])
    audit.record(actor=user, action="sign-up", obj=user)
    link = settings.SITE_URL + reverse("accounts:confirm", args=[signing.dumps(user.pk, salt=_CONFIRM_SALT)])
    body = render_to_string("accounts/email/confirm_email.txt", {"user": user, "link": link})
    subject = _("Confirm your Silkbridge account")
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return user


def confirm_email(token: str) -> User | None:
    """Activate the account the token names; None for a bad or expired token."""
    max_age = settings.SILKBRIDGE_EMAIL_CONFIRM_MAX_AGE
    try:
        pk = signing.loads(token, salt=_CONFIRM_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is not None and not user.email_confirmed:
        user.email_confirmed = True
        user.is_active = True
        user.save(update_fields=["email_confirmed", "is_active"])
        audit.record(actor=user, action="confirm-email", obj=user)
    return user


def create_api_token(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=hash_token(key))
    audit.record(actor=user, action="create-token", obj=token)
    return token, key


def revoke_api_token(token: ApiToken, *, actor: Any) -> None:
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
