"""Technology exchange: offers and needs posted by organisations, expressions of interest in
them, the message thread between the two parties, and saved searches.

A listing's title, summary and details are per-field translations ({language: text}); the
summary is public once published, the details only after disclosure (``rules``)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from silkbridge.core.models import TimeStampedModel
from silkbridge.core.text import fold
from silkbridge.core.translation import pick
from silkbridge.marketplace.enums import (
    CloseReason,
    DeclineReason,
    InterestStatus,
    IpStatus,
    LeadStage,
    ListingKind,
    ListingStatus,
)
from silkbridge.registry.models import Country, Field, Organisation


class Listing(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=10, choices=ListingKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="listings", verbose_name=_("organisation")
    )
    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("posted by")
    )
    titles = models.JSONField(_("title by language"), default=dict)
    summaries = models.JSONField(_("summary by language"), default=dict)
    details = models.JSONField(_("details by language"), default=dict, blank=True)
    fields = models.ManyToManyField(Field, blank=True, related_name="+", verbose_name=_("fields of science"))
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    trl = models.PositiveSmallIntegerField(_("technology readiness level"), null=True, blank=True)
    ip_status = models.CharField(_("IP status"), max_length=10, choices=IpStatus.choices, blank=True)
    cooperation = models.JSONField(_("kind of cooperation sought"), default=list, blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="+", verbose_name=_("target countries"))
    languages = models.JSONField(_("languages of the text"), default=list, blank=True)
    expires_on = models.DateField(_("expires on"))
    requires_confidentiality = models.BooleanField(_("confidentiality statement required"), default=False)
    confidentiality_statement = models.TextField(_("confidentiality statement"), blank=True)
    moderation_comment = models.TextField(_("moderator's comment"), blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # the expiry reminder was sent for this expiry
    is_demo = models.BooleanField(_("demo data"), default=False)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-published_at", "-id"]
        # The public list's order with and without a kind, and the live filter's count. Each
        # also carries every column the list filters on (a covering index): the database then
        # answers the count and a page's ids from the index alone, never reading the wide rows
        # (texts by language), which made a filtered page cost ~100 ms at 20,000 listings.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id", "expires_on", "kind", "trl", "ip_status", "organisation"],
                name="listing_live_order",
            ),
            models.Index(
                fields=["status", "kind", "-published_at", "-id", "expires_on", "trl", "ip_status", "organisation"],
                name="listing_live_kind_order",
            ),
            models.Index(
                fields=["status", "expires_on", "kind", "trl", "ip_status", "organisation"], name="listing_live_count"
            ),
        ]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("marketplace:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return pick(self.titles)

    @property
    def summary(self) -> str:
        return pick(self.summaries)

    @property
    def details_text(self) -> str:
        return pick(self.details)

    @property
    def is_published(self) -> bool:
        return self.status == ListingStatus.PUBLISHED

    def refresh_search_text(self) -> None:
        parts = [*self.titles.values(), *self.summaries.values(), *self.keywords, *self.sectors]
        self.search_text = fold(" | ".join(p for p in parts if p))


def _default_type() -> str:
    return "application/pdf"


class Attachment(models.Model):
    """A file attached to a listing, kept in the database so that no public media URL can
    reach it: it is served only through the access-checked view."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40, default=_default_type)
    size = models.PositiveIntegerField()
    data = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Interest(TimeStampedModel):
    """An expression of interest in a listing, and, once accepted, the lead it becomes."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="interests")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("on behalf of"),
    )  # fmt: skip
    message = models.TextField(_("message"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=InterestStatus.choices, default=InterestStatus.PENDING
    )
    decline_reason = models.CharField(_("reason"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("note"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    confidentiality_accepted_at = models.DateTimeField(_("confidentiality statement accepted"), null=True)
    stage = models.CharField(_("stage"), max_length=20, choices=LeadStage.choices, blank=True)
    # each side chooses whether the other sees its e-mail address
    sender_shares_email = models.BooleanField(_("show my e-mail address to the other party"), default=False)
    owner_shares_email = models.BooleanField(default=False)
    agreement_id = models.BigIntegerField(null=True, blank=True)  # cooperation record made at "agreement signed"
    project_id = models.BigIntegerField(null=True, blank=True)  # and at "project started"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["listing", "sender"], name="one_interest_per_listing_and_user")]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")

    def __str__(self) -> str:
        return f"{self.sender} → {self.listing}"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:interest", args=[self.pk])

    @property
    def is_accepted(self) -> bool:
        return self.status == InterestStatus.ACCEPTED


class Message(models.Model):
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class SavedSearch(models.Model):
    """A member's standing query; the digest command mails listings published since the last digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    query = models.CharField(_("search words"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ListingKind.choices, blank=True)
    field = models.ForeignKey(
        Field, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("field of science")
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("country")
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.query or str(self.get_kind_display() or _("all listings"))
