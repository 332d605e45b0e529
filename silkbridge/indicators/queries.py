"""Every indicator is computed from the registry for a day (`as_of`), with its method text.
The date rules are those of cooperation/models.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from silkbridge.cooperation import queries as cq
from silkbridge.cooperation.enums import AgreementKind
from silkbridge.cooperation.models import Agreement, CentreYear, DemonstrationCentre, JointLab, Partnership, Project
from silkbridge.registry.models import Country, Field


@dataclass
class Row:
    key: str
    label: str
    value: int


@dataclass
class Figure:
    name: str
    title: str
    method: str
    as_of: date
    rows: list[Row] = field(default_factory=list)
    by_country: bool = False
    distinct_total: int | None = None  # records counted once, where rows count them per country or field

    @property
    def total(self) -> int:
        return self.distinct_total if self.distinct_total is not None else sum(r.value for r in self.rows)

    @property
    def maximum(self) -> int:
        return max((r.value for r in self.rows), default=0)


def _country_rows(counts: dict[str, int]) -> list[Row]:
    names = {c.code: c.name for c in Country.objects.filter(code__in=list(counts))}
    return sorted(
        (Row(code, names.get(code, code), n) for code, n in counts.items() if n), key=lambda r: (-r.value, r.label)
    )


def partner_countries(day: date) -> list[Row]:
    host = settings.SILKBRIDGE_HOST_COUNTRY
    return _country_rows(
        {code: 1 for code in cq.partner_countries_with_agreement(on=day, host=host).values_list("code", flat=True)}
    )


def _host_method(method: str) -> str:
    """The partner-countries method text, said of the host country when one is set."""
    host = settings.SILKBRIDGE_HOST_COUNTRY
    if not host:
        return method
    name = Country.objects.filter(code=host).first()
    return _(
        "Countries other than %(host)s that are a party, with %(host)s, to at least one intergovernmental S&T "
        "cooperation agreement in force on the chosen day. An agreement is in force from its “in force from” date "
        "through its “expires on” date, and no longer from its “terminated on” date."
    ) % {"host": name.name if name else host}


def agreements_in_force(day: date) -> list[Row]:
    return [Row(k, str(AgreementKind(k).label), n) for k, n in cq.agreements_in_force_by_kind(on=day).items()]


def labs_by_field(day: date) -> list[Row]:
    labs = cq.labs_active(on=day)
    rows = []
    for broad in Field.objects.filter(level=1):
        n = labs.filter(Q(fields__parent=broad) | Q(fields=broad)).distinct().count()
        rows.append(Row(broad.code, broad.name, n))
    return rows


def _partner_country_counts(records: str, ids: object) -> dict[str, int]:
    rows = (
        Partnership.objects.filter(**{f"{records}__in": ids})
        .exclude(organisation__country=None)
        .values("organisation__country_id")
        .annotate(n=Count(records, distinct=True))
    )
    return {r["organisation__country_id"]: r["n"] for r in rows}


def labs_by_country(day: date) -> list[Row]:
    return _country_rows(_partner_country_counts("lab", cq.labs_active(on=day).values("pk")))


def projects_by_country(day: date) -> list[Row]:
    return _country_rows(_partner_country_counts("project", cq.projects_active(on=day).values("pk")))


def centres_by_country(day: date) -> list[Row]:
    rows = cq.centres_open(on=day).values("host_country_id").annotate(n=Count("id"))
    return _country_rows({r["host_country_id"]: r["n"] for r in rows})


def people_trained(day: date) -> list[Row]:
    """The last complete calendar year before `as_of` (yearly figures are per calendar year)."""
    rows = (
        CentreYear.objects.filter(year=day.year - 1, centre__is_published=True)
        .values("centre__host_country_id")
        .annotate(n=Sum("people_trained"))
    )
    return _country_rows({r["centre__host_country_id"]: r["n"] or 0 for r in rows})


def _per_year(qs: object, date_field: str, day: date) -> list[Row]:
    rows = (
        qs.filter(**{f"{date_field}__lte": day})  # type: ignore[attr-defined]
        .annotate(y=ExtractYear(date_field))
        .values("y")
        .annotate(n=Count("id"))
        .order_by("y")
    )
    return [Row(str(r["y"]), str(r["y"]), r["n"]) for r in rows]


def new_agreements_per_year(day: date) -> list[Row]:
    return _per_year(Agreement.objects.all(), "signed_on", day)


def new_projects_per_year(day: date) -> list[Row]:
    return _per_year(Project.objects.all(), "start_on", day)


def new_labs_per_year(day: date) -> list[Row]:
    return _per_year(JointLab.objects.all(), "established_on", day)


def new_centres_per_year(day: date) -> list[Row]:
    return _per_year(DemonstrationCentre.objects.all(), "opened_on", day)


@dataclass
class Indicator:
    title: Promise
    method: Promise
    compute: Callable[[date], list[Row]]
    by_country: bool = False
    distinct: Callable[[date], int] | None = None  # the total, when rows count a record more than once


def _labs_count(day: date) -> int:
    return cq.labs_active(on=day).count()


def _projects_count(day: date) -> int:
    return cq.projects_active(on=day).count()


INDICATORS: dict[str, Indicator] = {
    "partner-countries": Indicator(
        _("Partner countries with an S&T agreement in force"),
        _("Countries that are a party to at least one intergovernmental S&T cooperation agreement in force on the "
          "chosen day. An agreement is in force from its “in force from” date through its “expires on” date, and "
          "no longer from its “terminated on” date."),
        partner_countries, True,
    ),
    "agreements-in-force": Indicator(
        _("Agreements in force, by kind"),
        _("Agreements in force on the chosen day (same date rule as above), counted by kind."),
        agreements_in_force,
    ),
    "labs-by-field": Indicator(
        _("Joint laboratories active, by broad field"),
        _("Joint laboratories established on or before the chosen day and not closed before it, counted once in "
          "each broad field of science (OECD FORD) of their fields."),
        labs_by_field, False, _labs_count,
    ),
    "labs-by-country": Indicator(
        _("Joint laboratories active, by country"),
        _("Active joint laboratories counted once in each country of their host and partner organisations."),
        labs_by_country, True, _labs_count,
    ),
    "centres-by-country": Indicator(
        _("Demonstration centres open, by country"),
        _("Demonstration centres opened on or before the chosen day and not closed before it, by host country."),
        centres_by_country, True,
    ),
    "people-trained": Indicator(
        _("People trained at demonstration centres"),
        _("People trained in the last complete calendar year before the chosen day, from the centres' yearly "
          "figures, by host country."),
        people_trained, True,
    ),
    "projects-by-country": Indicator(
        _("Projects active, by country"),
        _("Projects that started on or before the chosen day and end on or after it, counted once in each "
          "country of their partner organisations."),
        projects_by_country, True, _projects_count,
    ),
    "new-agreements": Indicator(
        _("New agreements per year"),
        _("Agreements by the year they were signed, up to the chosen day."),
        new_agreements_per_year,
    ),
    "new-projects": Indicator(
        _("New projects per year"),
        _("Projects by the year they started, up to the chosen day."),
        new_projects_per_year,
    ),
    "new-labs": Indicator(
        _("New joint laboratories per year"),
        _("Joint laboratories by the year they were established, up to the chosen day."),
        new_labs_per_year,
    ),
    "new-centres": Indicator(
        _("New demonstration centres per year"),
        _("Demonstration centres by the year they opened, up to the chosen day."),
        new_centres_per_year,
    ),
}  # fmt: skip


def compute(name: str, day: date) -> Figure:
    indicator = INDICATORS[name]
    rows = indicator.compute(day)
    distinct = indicator.distinct(day) if indicator.distinct else None
    method = _host_method(str(indicator.method)) if name == "partner-countries" else str(indicator.method)
    return Figure(name, str(indicator.title), method, day, rows, indicator.by_country, distinct)


@dataclass
class GapMatrix:
    as_of: date
    fields: list[tuple[str, str]]  # broad field code, name
    rows: list[tuple[str, str, list[str]]]  # country code, name, one state per field: "gap", "covered" or ""

    @property
    def gap_count(self) -> int:
        return sum(cells.count("gap") for _c, _n, cells in self.rows)


def _broad(code: str) -> str:
    return code.split(".")[0]


def _broad_fields_of(qs: Any) -> dict[int, set[str]]:
    """Record id -> the broad fields of its fields, in one query."""
    name = qs.model._meta.model_name
    through = qs.model.fields.through.objects.filter(**{f"{name}__in": qs.values("pk")})
    out: dict[int, set[str]] = {}
    for pk, code in through.values_list(f"{name}_id", "field_id"):
        out.setdefault(pk, set()).add(_broad(code))
    return out


def gap_analysis(day: date, sort: str = "gaps") -> GapMatrix:
    """Countries x broad fields where an agreement in force names the country (as a party,
    or through a party organisation) and the field, but no active lab, open centre or active
    project involves that country in that field."""
    agreements = Agreement.objects.filter(cq.in_force_q(day))
    fields_of = _broad_fields_of(agreements)
    agreed: set[tuple[str, str]] = set()
    for pk, country, org_country in agreements.values_list(
        "id", "parties__country_id", "parties__organisation__country_id"
    ):
        for code in {country, org_country} - {None}:
            agreed |= {(code, f) for f in fields_of.get(pk, set())}
    active: set[tuple[str, str]] = set()
    for records, qs in (("lab", cq.labs_active(on=day)), ("project", cq.projects_active(on=day))):
        record_fields = _broad_fields_of(qs)
        # Only records with a field can cover a cell (most imported projects have none).
        partners = Partnership.objects.filter(**{f"{records}__in": qs.filter(fields__isnull=False).values("pk")})
        for pk, code in partners.values_list(f"{records}_id", "organisation__country_id"):
            active |= {(code, f) for f in record_fields.get(pk, set())}
    centres = cq.centres_open(on=day)
    centre_fields = _broad_fields_of(centres)
    for pk, code in centres.values_list("pk", "host_country_id"):
        active |= {(code, f) for f in centre_fields.get(pk, set())}
    broad_fields = [(f.code, f.name) for f in Field.objects.filter(level=1)]
    countries = {c for c, _f in agreed}
    names = {c.code: c.name for c in Country.objects.filter(code__in=countries)}
    rows = [
        (code, names.get(code, code), [_cell(code, f, agreed, active) for f, _n in broad_fields]) for code in countries
    ]
    key = (lambda r: r[1]) if sort == "country" else (lambda r: (-r[2].count("gap"), r[1]))
    return GapMatrix(day, broad_fields, sorted(rows, key=key))


def _cell(country: str, broad: str, agreed: set[tuple[str, str]], active: set[tuple[str, str]]) -> str:
    if (country, broad) not in agreed:
        return ""
    return "covered" if (country, broad) in active else "gap"
