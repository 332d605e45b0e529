from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One change to one record: who, when, what (field -> [old, new])."""

    # what the history page calls each action (the code is stored, the label shown)
    ACTIONS = {
        "create": pgettext_lazy("audit action", "created"),
        "update": pgettext_lazy("audit action", "edited"),
        "delete": pgettext_lazy("audit action", "deleted"),
        "import": pgettext_lazy("audit action", "imported"),
        "merge": pgettext_lazy("audit action", "merged"),
        "unmerge": pgettext_lazy("audit action", "merge undone"),
        "contact": pgettext_lazy("audit action", "contacted"),
        "sign-up": pgettext_lazy("audit action", "signed up"),
        "confirm-email": pgettext_lazy("audit action", "e-mail confirmed"),
        "create-token": pgettext_lazy("audit action", "API token created"),
        "revoke-token": pgettext_lazy("audit action", "API token revoked"),
        # Conferences (events)
        "schedule": pgettext_lazy("audit action", "meetings scheduled"),
        "publish": pgettext_lazy("audit action", "published"),
        "expire": pgettext_lazy("audit action", "expired"),
        "check-in": pgettext_lazy("audit action", "checked in"),
        "carry": pgettext_lazy("audit action", "carried into the cooperation registry"),
    }

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language (an unknown code as it is)."""
        return str(self.ACTIONS.get(self.action, self.action))

    @property
    def visible_changes(self) -> list[tuple[str, list[object]]]:
        """Field -> [old, new] pairs for the public history; internal data (an undo
        snapshot) is left out."""
        return [(k, v) for k, v in self.changes.items() if isinstance(v, list) and len(v) == 2]
