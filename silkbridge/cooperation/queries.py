"""Reads of the cooperation record "as of" a day. The date rules are those of models.py:
start dates count from that day, end dates are the last day included, a termination date
is the first day out of force."""

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from silkbridge.cooperation import rules
from silkbridge.cooperation.enums import AgreementKind, AgreementStatus, PeriodStatus, ReviewStatus
from silkbridge.cooperation.models import RECORD_MODELS, Agreement, DemonstrationCentre, JointLab, Output, Project
from silkbridge.registry.models import Country
from silkbridge.registry.queries import text_filter


def in_force_q(day: date) -> Q:
    return (
        Q(in_force_from__lte=day)
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=day))
    )


def status_q(status: AgreementStatus, day: date) -> Q:
    """The agreements that have `status` on `day` (the database form of Agreement.status_on)."""
    terminated = Q(terminated_on__lte=day)
    expired = ~terminated & Q(expires_on__lt=day)
    in_force = ~terminated & ~expired & Q(in_force_from__lte=day)
    signed = ~terminated & ~expired & ~Q(in_force_from__lte=day) & Q(signed_on__lte=day)
    conditions = {
        AgreementStatus.TERMINATED: terminated,
        AgreementStatus.EXPIRED: expired,
        AgreementStatus.IN_FORCE: in_force,
        AgreementStatus.SIGNED: signed,
        AgreementStatus.DRAFT: ~terminated & ~expired & ~Q(in_force_from__lte=day) & ~Q(signed_on__lte=day),
    }
    return conditions[status]


def agreements(*, on: date, kind: str = "", country: str = "", status: str = "") -> QuerySet[Agreement]:
    qs = Agreement.objects.prefetch_related("parties__country", "parties__organisation", "fields")
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(Q(parties__country_id=country.upper()) | Q(parties__organisation__country_id=country.upper()))
    if status:
        qs = qs.filter(status_q(AgreementStatus(status), on))
    return qs.distinct().order_by("-signed_on", "id")


def partner_countries_with_agreement(*, on: date, host: str = "") -> QuerySet[Country]:
    """Countries party to at least one intergovernmental S&T agreement in force on `on`; with
    a `host` country, the other parties of the host's agreements only."""
    in_force = Agreement.objects.filter(in_force_q(on), kind=AgreementKind.INTERGOVERNMENTAL)
    if host:
        in_force = in_force.filter(parties__country_id=host)
        return Country.objects.filter(agreement_parties__agreement__in=in_force).exclude(code=host).distinct()
    return Country.objects.filter(agreement_parties__agreement__in=in_force).distinct()


def agreements_in_force_by_kind(*, on: date) -> dict[str, int]:
    rows = Agreement.objects.filter(in_force_q(on)).values("kind").annotate(n=Count("id"))
    counts = {kind: 0 for kind in AgreementKind.values}
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


def open_between_q(start: str, end: str, day: date) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def labs_active(*, on: date) -> QuerySet[JointLab]:
    return JointLab.objects.filter(open_between_q("established_on", "closed_on", on))


def centres_open(*, on: date) -> QuerySet[DemonstrationCentre]:
    return DemonstrationCentre.objects.filter(open_between_q("opened_on", "closed_on", on))


def projects_active(*, on: date) -> QuerySet[Project]:
    return Project.objects.filter(open_between_q("start_on", "end_on", on))


def period_status_q(model: type[Any], status: PeriodStatus, day: date) -> Q:
    """The labs, centres or projects that have `status` on `day` (the database form of
    CooperationRecord.status_on)."""
    start, end = model.period_fields
    conditions = {
        PeriodStatus.UNKNOWN: Q(**{f"{start}__isnull": True}),
        PeriodStatus.PLANNED: Q(**{f"{start}__gt": day}),
        PeriodStatus.ACTIVE: open_between_q(start, end, day),
        PeriodStatus.ENDED: Q(**{f"{start}__lte": day, f"{end}__lt": day}),
    }
    return conditions[status]


def status_choices(model: type[Any]) -> list[tuple[str, Any]]:
    """The statuses a record of `model` may have on a day."""
    return list(AgreementStatus.choices if model is Agreement else PeriodStatus.choices)


def with_status(qs: QuerySet[Any], status: str, day: date) -> QuerySet[Any]:
    """`qs` narrowed to the records with `status` on `day` ("" for every record)."""
    if not status:
        return qs
    if qs.model is Agreement:
        return qs.filter(status_q(AgreementStatus(status), day))
    return qs.filter(period_status_q(qs.model, PeriodStatus(status), day))


def chain(record: Any) -> dict[str, Any]:
    """The published records linked to `record` along agreement -> lab or centre -> project
    (outputs are the record's own ``outputs``)."""
    if isinstance(record, Agreement):
        return {
            "labs": list(JointLab.objects.filter(agreement=record)),
            "centres": list(DemonstrationCentre.objects.filter(agreement=record)),
            "projects": list(Project.objects.filter(agreement=record)[:100]),
        }
    links: dict[str, Any] = {"agreement": Agreement.objects.filter(pk=record.agreement_id).first()}
    if isinstance(record, Project):
        links["lab"] = JointLab.objects.filter(pk=record.lab_id).first()
    if isinstance(record, JointLab):
        links["projects"] = list(Project.objects.filter(lab=record)[:100])
    return links


def records(model: type[Any], *, q: str = "", country: str = "", field: str = "") -> QuerySet[Any]:
    """A record list with the page filters: words of `q`, a country involved, a field."""
    qs = model.objects.all()
    if q:
        qs = qs.filter(text_filter(q))
    if country:
        code = country.upper()
        if model is Agreement:
            qs = qs.filter(Q(parties__country_id=code) | Q(parties__organisation__country_id=code))
        elif model is DemonstrationCentre:
            qs = qs.filter(Q(host_country_id=code) | Q(partners__organisation__country_id=code))
        else:
            qs = qs.filter(partners__organisation__country_id=code)
    if field:
        qs = qs.filter(Q(fields__code=field) | Q(fields__parent_id=field))
    return qs.distinct()


def records_of_organisation(org_id: int) -> dict[str, list[Any]]:
    """The cooperation records an organisation is a party or partner to, for its page, with
    the agreement each lab, centre or project belongs to (its part of the chain)."""
    return {
        "agreements": list(Agreement.objects.filter(parties__organisation_id=org_id).distinct()[:50]),
        "labs": list(JointLab.objects.filter(partners__organisation_id=org_id).select_related("agreement")
                     .distinct()[:50]),
        "centres": list(DemonstrationCentre.objects.filter(partners__organisation_id=org_id)
                        .select_related("agreement").distinct()[:50]),
        "projects": list(Project.objects.filter(partners__organisation_id=org_id)
                         .select_related("agreement", "lab").distinct()[:50]),
    }  # fmt: skip


def records_of_country(code: str) -> dict[str, list[Any]]:
    """The published labs, centres and projects a country takes part in (through a partner
    organisation, or as a centre's host), for its page."""
    return {
        kind: list(records(model, country=code).select_related("agreement").order_by("id")[:50])
        for kind, model in (("labs", JointLab), ("centres", DemonstrationCentre), ("projects", Project))
    }


OUTPUT_RECORDS = ("lab", "centre", "project")


def outputs_of(record: Any, user: Any) -> list[Output]:
    """The outputs of a lab, centre or project that `user` sees: the published ones; also
    those awaiting review to whoever may change the record or publish, and to their
    submitter."""
    qs = Output.all_records.filter(**{record.partnership_field: record}).select_related("submitted_by")
    if user.has_perm("cooperation.change_record", record) or user.has_perm("cooperation.publish_record"):
        return list(qs)
    mine = Q(submitted_by_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    return list(qs.filter(Q(is_published=True) | mine))


def awaiting_review() -> list[Any]:
    """Every submission awaiting a moderator (not those sent back), records and outputs,
    oldest change first."""
    found: list[Any] = []
    for model in RECORD_MODELS.values():
        found += model._default_manager.filter(review_status=ReviewStatus.SUBMITTED).select_related("submitted_by")
    found += Output.all_records.filter(review_status=ReviewStatus.SUBMITTED).select_related(
        "submitted_by", *OUTPUT_RECORDS
    )
    return sorted(found, key=lambda r: r.updated_at)


def submissions_of(user: Any) -> list[Any]:
    """The user's own submissions (records and outputs) that are not (yet) published as
    submitted, newest first."""
    found: list[Any] = []
    for model in RECORD_MODELS.values():
        found += model._default_manager.filter(submitted_by=user).exclude(review_status=ReviewStatus.PUBLISHED)
    found += (
        Output.all_records.filter(submitted_by=user)
        .exclude(review_status=ReviewStatus.PUBLISHED)
        .select_related(*OUTPUT_RECORDS)
    )
    return sorted(found, key=lambda r: r.updated_at, reverse=True)


def pickable_records(model: type[Any], user: Any) -> QuerySet[Any]:
    """The agreements or labs `user` may see, to link a record to: the published ones; also
    the unpublished ones they may change (moderators and staff: every one)."""
    if user.has_perm("cooperation.publish_record"):
        return model.all_records.all()  # type: ignore[no-any-return]
    if not user.is_authenticated:
        return model.objects.all()  # type: ignore[no-any-return]
    edited = rules.edited_organisations(user)
    if model is Agreement:
        mine = Q(parties__organisation_id__in=edited) | Q(parties__country_id__in=rules.officer_countries(user))
    else:
        mine = Q(partners__organisation_id__in=edited)
    return model.all_records.filter(pk__in=model.all_records.filter(Q(is_published=True) | mine).values("pk"))  # type: ignore[no-any-return]
