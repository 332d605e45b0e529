from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from silkbridge.core.models import TimeStampedModel
from silkbridge.core.text import fold
from silkbridge.core.translation import pick
from silkbridge.registry.countries import country_name
from silkbridge.registry.enums import (
    EditorRequestStatus,
    OrganisationSource,
    OrganisationStatus,
    OrganisationType,
    Visibility,
)


class Country(models.Model):
    """An ISO 3166-1 country. Names come from pycountry in the page's language."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(max_length=3, unique=True)
    numeric = models.CharField(max_length=3)
    name_en = models.CharField(max_length=100)
    is_partner = models.BooleanField(_("partner country"), default=False)
    partner_since = models.DateField(_("partner since"), null=True, blank=True)
    # No public list of partner countries exists: statuses set by the demo seed say so.
    partner_is_demo = models.BooleanField(_("demo partner status"), default=False)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:country", args=[self.code])

    @property
    def name(self) -> str:
        return country_name(self.code, self.name_en)


class Field(models.Model):
    """A field of science: OECD FORD, broad fields (level 1) and fields (level 2)."""

    code = models.CharField(max_length=8, primary_key=True)
    level = models.PositiveSmallIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    names = models.JSONField(default=dict)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("field of science")
        verbose_name_plural = _("fields of science")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return pick(self.names)


class Organisation(TimeStampedModel):
    ror_id = models.CharField(_("ROR id"), max_length=9, unique=True, null=True, blank=True)
    pic = models.CharField(_("EU participant id (PIC)"), max_length=12, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    acronyms = models.JSONField(_("acronyms"), default=list, blank=True)
    # ROR ids of withdrawn records that this organisation succeeded (they point here).
    former_ror_ids = models.JSONField(_("former ROR ids"), default=list, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices, default=OrganisationType.OTHER)
    status = models.CharField(
        _("status"), max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE
    )
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("country"),
    )
    city = models.CharField(_("city"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    established = models.PositiveSmallIntegerField(_("established"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    fields = models.ManyToManyField(
        Field, blank=True, related_name="organisations", verbose_name=_("fields of science")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    source = models.CharField(max_length=10, choices=OrganisationSource.choices, default=OrganisationSource.USER)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["name", "id"]),
            models.Index(fields=["country", "name"]),
            models.Index(fields=["kind", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:organisation", args=[self.pk])

    @property
    def local_name(self) -> str:
        """The name in the page's language where the record has one."""
        return pick(self.names, default=self.name, any_language=False, fallback=None)

    def refresh_search_text(self) -> None:
        parts = [self.name, *self.names.values(), *self.aliases, *self.acronyms, self.city, self.ror_id or ""]
        self.search_text = fold(" | ".join(p for p in parts if p))


class Expert(TimeStampedModel):
    """An opt-in expert profile. Contact details are shown only to the expert and staff."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="expert_profile"
    )
    name = models.CharField(_("name"), max_length=200)
    affiliations = models.ManyToManyField(
        Organisation, blank=True, related_name="experts", verbose_name=_("affiliations")
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="experts", verbose_name=_("country")
    )
    fields = models.ManyToManyField(Field, blank=True, related_name="experts", verbose_name=_("fields of science"))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    bio = models.TextField(_("short biography"), max_length=2000, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:expert", args=[self.pk])

    def refresh_search_text(self) -> None:
        self.search_text = fold(" | ".join([self.name, *self.keywords, self.bio]))


class OrganisationRedirect(models.Model):
    """An organisation merged into another: its old id keeps working and points here."""

    old_id = models.BigIntegerField(primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_id} -> {self.organisation_id}"


class EditorRequest(models.Model):
    """A person asks to become an editor of an organisation; its editors or a moderator decide."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="editor_requests")
    status = models.CharField(
        _("status"), max_length=10, choices=EditorRequestStatus.choices, default=EditorRequestStatus.PENDING
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], condition=models.Q(status="pending"), name="one_pending_editor_request"
            )
        ]
        verbose_name = _("request for editor rights")
        verbose_name_plural = _("requests for editor rights")

    def __str__(self) -> str:
        return f"{self.user} -> {self.organisation} ({self.status})"
