import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, AnonymousUser, BaseUserManager
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silkbridge.accounts.enums import MembershipRole


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True, email_confirmed=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account. Signs in with the e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    email_confirmed = models.BooleanField(_("e-mail confirmed"), default=False)
    is_moderator = models.BooleanField(_("moderator"), default=False)
    is_event_organiser = models.BooleanField(_("event organiser"), default=False)
    # Where the person works, as given at sign-up: the registry record when the matcher (and
    # the person) agreed on one, the typed name otherwise.
    organisation = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation as typed"), max_length=300, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]
    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """The name shown to other people: the display name, never the e-mail address."""
        from django.utils.translation import gettext

        return self.display_name or gettext("Member %(number)d") % {"number": self.pk}


class Membership(models.Model):
    """A user acts for an organisation, as a member or as its editor."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def new_key() -> str:
        return "sb_" + secrets.token_urlsafe(32)

    def revoke(self) -> None:
        self.revoked_at = timezone.now()


# Whoever a page or API call is for: a signed-in user or an anonymous visitor. Reads and
# access checks take a Viewer; writes take the User who acts (``actor``).
Viewer = User | AnonymousUser


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind ``login_required`` or an API operation behind token auth:
    its ``user`` is a signed-in User (for the type checker; Django sets it as usual)."""

    user: User  # type: ignore[assignment]
