"""The record of cooperation: agreements, joint laboratories, demonstration centres,
projects and their outputs. Statuses are derived from dates for any day, never stored.

Date rules (also the indicators' method): a start date counts from that day; an end date
(expires on, closed on, end) is the last day included; a termination date is the first
day no longer in force."""

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silkbridge.cooperation.enums import (
    AgreementKind,
    AgreementStatus,
    OutputKind,
    PartnerRole,
    PeriodStatus,
    RecordKind,
    ReviewStatus,
)
from silkbridge.core.models import TimeStampedModel
from silkbridge.core.text import fold
from silkbridge.core.translation import pick
from silkbridge.registry.models import Country, Field, Organisation


class PublishedManager(models.Manager[Any]):
    """Only records with a published version: what the public, the API, open data, the
    indicators and search see. ``all_records`` (the default manager) holds every record."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(is_published=True)


class Reviewed(TimeStampedModel):
    """What passes review before the public sees it (records and outputs): a new one by
    someone who may not publish is saved unpublished; a change to a published one by such a
    person is kept in ``pending`` (the domain data, the form input and what it would change)
    until a moderator publishes it, so the published version stays as it was."""

    is_published = models.BooleanField(_("published"), default=True)
    review_status = models.CharField(
        _("review"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    review_comment = models.TextField(_("comment of the review"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("submitted by"),
    )  # fmt: skip
    pending = models.JSONField(null=True, blank=True, editable=False)

    all_records = models.Manager()
    objects = PublishedManager()

    class Meta:
        abstract = True

    @property
    def awaits_review(self) -> bool:
        return self.review_status in (ReviewStatus.SUBMITTED, ReviewStatus.SENT_BACK)

    def get_absolute_url(self) -> str:
        raise NotImplementedError


class CooperationRecord(Reviewed):
    """What every cooperation record has: an id from the source it was imported from,
    fields of science, a demo flag (demo records are shown as such) and its review state
    (see Reviewed)."""

    external_id = models.CharField(_("external id"), max_length=100, unique=True, null=True, blank=True)
    fields = models.ManyToManyField(Field, blank=True, related_name="+", verbose_name=_("fields of science"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    search_text = models.TextField(editable=False, default="")

    record_kind: ClassVar[RecordKind]
    # The partnership field that names records of this kind ("lab"); "" where the record has
    # parties instead of partners (agreements).
    partnership_field: ClassVar[str] = ""
    # The fields of its start and its end (both may be empty).
    period_fields: ClassVar[tuple[str, str]]

    class Meta:
        abstract = True

    @property
    def period(self) -> tuple[date | None, date | None]:
        start, end = self.period_fields
        return getattr(self, start), getattr(self, end)

    @property
    def involved(self) -> list[Any]:
        """Who takes part, for lists: the partner organisations (prefetched ``partners``)."""
        return [p.organisation for p in self.partners.all()]  # type: ignore[attr-defined]

    @property
    def list_note(self) -> str:
        """A short line under the name in lists; empty where a kind has nothing to add."""
        return ""

    def get_absolute_url(self) -> str:
        return reverse("cooperation:detail", args=[self.record_kind, self.pk])

    @property
    def period_facts(self) -> list[tuple[str, date | None]]:
        """(label, date) of its start and its end, as the record's page shows them."""
        fields = [self._meta.get_field(name) for name in self.period_fields]
        return [(str(getattr(field, "verbose_name", field.name)), getattr(self, field.name)) for field in fields]

    def status_on(self, day: date) -> Any:
        """Where the record stands on `day` by its period (agreements have their own statuses)."""
        start, end = self.period
        if start is None:
            return PeriodStatus.UNKNOWN
        if day < start:
            return PeriodStatus.PLANNED
        return PeriodStatus.ENDED if end is not None and day > end else PeriodStatus.ACTIVE

    def searchable(self) -> list[str]:
        return [self.external_id or ""]

    def involved_organisation_ids(self) -> set[int]:
        """The organisations that take part (partners, or organisation parties)."""
        return {p.organisation_id for p in self.partners.all()}  # type: ignore[attr-defined]

    def refresh_search_text(self) -> None:
        self.search_text = fold(" | ".join(part for part in self.searchable() if part))


class Agreement(CooperationRecord):
    record_kind = RecordKind.AGREEMENTS
    period_fields = ("signed_on", "expires_on")
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    titles = models.JSONField(_("title by language"), default=dict)
    summaries = models.JSONField(_("summary by language"), default=dict, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    text_url = models.URLField(_("link to the text"), max_length=500, blank=True)

    class Meta:
        ordering = ["-signed_on", "id"]
        default_manager_name = "all_records"
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self.titles)

    def searchable(self) -> list[str]:
        return [*super().searchable(), *self.titles.values(), *self.summaries.values()]

    def involved_organisation_ids(self) -> set[int]:
        return {p.organisation_id for p in self.parties.all() if p.organisation_id}

    @property
    def involved(self) -> list[Any]:
        return list(self.parties.all())

    @property
    def list_note(self) -> str:
        return str(self.get_kind_display())  # the list shows the status on its day beside it

    @property
    def status(self) -> AgreementStatus:
        return self.status_on(timezone.localdate())

    def status_on(self, day: date) -> AgreementStatus:
        if self.terminated_on and day >= self.terminated_on:
            return AgreementStatus.TERMINATED
        if self.expires_on and day > self.expires_on:
            return AgreementStatus.EXPIRED
        if self.in_force_from and day >= self.in_force_from:
            return AgreementStatus.IN_FORCE
        if self.signed_on and day >= self.signed_on:
            return AgreementStatus.SIGNED
        return AgreementStatus.DRAFT


class AgreementParty(models.Model):
    """A party to an agreement: a country (intergovernmental) or an organisation."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="agreement_parties"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="agreement_parties"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False, organisation__isnull=True)
                | Q(country__isnull=True, organisation__isnull=False),
                name="party_is_a_country_or_an_organisation",
            )
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return str(self.country or self.organisation)


class JointLab(CooperationRecord):
    record_kind = RecordKind.LABS
    partnership_field = "lab"
    period_fields = ("established_on", "closed_on")
    names = models.JSONField(_("name by language"), default=dict)
    description = models.TextField(_("description"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="labs", verbose_name=_("agreement")
    )

    class Meta:
        ordering = ["id"]
        default_manager_name = "all_records"
        verbose_name = _("joint laboratory")
        verbose_name_plural = _("joint laboratories")

    def __str__(self) -> str:
        return pick(self.names)

    def searchable(self) -> list[str]:
        return [*super().searchable(), *self.names.values(), self.description]


class DemonstrationCentre(CooperationRecord):
    record_kind = RecordKind.CENTRES
    partnership_field = "centre"
    period_fields = ("opened_on", "closed_on")
    names = models.JSONField(_("name by language"), default=dict)
    host_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("host country")
    )
    site = models.CharField(_("site"), max_length=200, blank=True)
    technologies = models.TextField(_("technologies demonstrated"), blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    area_hectares = models.DecimalField(_("area (hectares)"), max_digits=10, decimal_places=2, null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="centres", verbose_name=_("agreement")
    )

    class Meta:
        ordering = ["id"]
        default_manager_name = "all_records"
        verbose_name = _("demonstration centre")
        verbose_name_plural = _("demonstration centres")

    def __str__(self) -> str:
        return pick(self.names)

    def searchable(self) -> list[str]:
        return [*super().searchable(), *self.names.values(), self.site, self.technologies]


class CentreYear(models.Model):
    centre = models.ForeignKey(DemonstrationCentre, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    people_trained = models.PositiveIntegerField(_("people trained"), default=0)
    technologies_adopted = models.PositiveIntegerField(_("technologies adopted"), default=0)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="one_figure_per_centre_and_year")]
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")

    def __str__(self) -> str:
        return f"{self.centre} {self.year}"


class Project(CooperationRecord):
    record_kind = RecordKind.PROJECTS
    partnership_field = "project"
    period_fields = ("start_on", "end_on")
    title = models.CharField(_("title"), max_length=500)
    abstract = models.TextField(_("abstract"), blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    funding_programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    funding_amount = models.DecimalField(_("funding amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("agreement"),
    )
    lab = models.ForeignKey(
        JointLab, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
        verbose_name=_("joint laboratory"),
    )  # fmt: skip

    class Meta:
        ordering = ["-start_on", "id"]
        default_manager_name = "all_records"
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    def searchable(self) -> list[str]:
        return [*super().searchable(), self.title, self.abstract, self.funding_programme]


def _of_exactly_one_record(name: str) -> models.CheckConstraint:
    """A row that belongs to exactly one of a lab, a centre or a project."""
    return models.CheckConstraint(
        condition=Q(lab__isnull=False, centre__isnull=True, project__isnull=True)
        | Q(lab__isnull=True, centre__isnull=False, project__isnull=True)
        | Q(lab__isnull=True, centre__isnull=True, project__isnull=False),
        name=name,
    )


class Partnership(models.Model):
    """An organisation's role in a lab, a centre or a project (exactly one of them)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnerships")
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    lab = models.ForeignKey(JointLab, null=True, blank=True, on_delete=models.CASCADE, related_name="partners")
    centre = models.ForeignKey(
        DemonstrationCentre, null=True, blank=True, on_delete=models.CASCADE, related_name="partners"
    )
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="partners")

    class Meta:
        constraints = [_of_exactly_one_record("partnership_of_exactly_one_record")]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Output(Reviewed):
    """A publication, patent, dataset... of a lab, a centre or a project; reviewed like the
    records (``objects`` holds the published ones only)."""

    record_kind = RecordKind.OUTPUTS
    external_id = models.CharField(_("external id"), max_length=100, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OutputKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    count = models.PositiveIntegerField(_("count"), default=1)
    identifier = models.CharField(_("identifier (DOI, patent number)"), max_length=200, blank=True)
    lab = models.ForeignKey(JointLab, null=True, blank=True, on_delete=models.CASCADE, related_name="outputs")
    centre = models.ForeignKey(
        DemonstrationCentre, null=True, blank=True, on_delete=models.CASCADE, related_name="outputs"
    )
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="outputs")

    class Meta:
        ordering = ["-year", "kind"]
        constraints = [_of_exactly_one_record("output_of_exactly_one_record")]
        default_manager_name = "all_records"
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def record(self) -> Any:
        """The lab, centre or project it belongs to."""
        return self.lab or self.centre or self.project

    def get_absolute_url(self) -> str:
        return str(self.record.get_absolute_url())

    @property
    def review_url(self) -> str:
        """Its page with the review's buttons (the edit page of outputs)."""
        record = self.record
        return reverse("cooperation:output_edit", args=[record.record_kind, record.pk, self.pk])


class ImportJob(models.Model):
    """A web import large enough to run as a background task: its rows (until it has run),
    its progress and, at the end, its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20)
    dry_run = models.BooleanField(default=True)
    language = models.CharField(max_length=10, default="en")
    filename = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=list)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.checked_rows / self.total_rows) if self.total_rows else 100


class ProgrammeOfficer(models.Model):
    """A person who submits intergovernmental agreements for a country (a role that staff
    grant, per country, in the admin)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_countries")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+", verbose_name=_("country"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "country"], name="one_officer_role_per_country")]
        verbose_name = _("programme officer")
        verbose_name_plural = _("programme officers")

    def __str__(self) -> str:
        return f"{self.user} ({self.country_id})"


# Each record kind's model, by its slug (``cooperation.kinds`` adds forms and more).
RECORD_MODELS: dict[str, type[CooperationRecord]] = {
    model.record_kind: model for model in (Agreement, JointLab, DemonstrationCentre, Project)
}
