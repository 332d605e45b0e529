"""Import of EU Horizon 2020 participations (CORDIS) as projects and partner organisations.

Projects are keyed "cordis:h2020:<rcn>" and organisations by their PIC, so running the
import again changes nothing. The file has no project titles: each project is titled with
its record number, and says so. An organisation named in the FP7 name file is first looked
up in the registry with the affiliation matcher (name and country); a match gets the PIC,
otherwise a new organisation is created. A PIC without a name becomes a clearly labelled
placeholder organisation.

The import is all-or-nothing: every lookup and match is done first, reading only, and then
every write (PICs given to registry organisations, new organisations, projects and
partnerships) happens in one transaction. Killed at any point, it leaves the database as it
was; run again, it does the whole import."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from silkbridge.cooperation.models import Partnership, Project
from silkbridge.registry.enums import OrganisationSource, OrganisationType
from silkbridge.registry.identity import registry_matcher
from silkbridge.registry.models import Country, Organisation

COUNTRY_CODES = {"UK": "GB", "EL": "GR"}  # CORDIS uses the EU's codes for these two
KINDS = {"HES": OrganisationType.EDUCATION, "PRC": OrganisationType.COMPANY, "REC": OrganisationType.FACILITY,
         "PUB": OrganisationType.GOVERNMENT, "OTH": OrganisationType.OTHER}  # fmt: skip
ROLES = {"coordinator": "coordinator", "participant": "participant", "partner": "partner"}
PLACEHOLDER = "Unnamed CORDIS participant (PIC {pic})"
PROJECT_TITLE = "Horizon 2020 project, CORDIS record {rcn} (title not in the source file)"


@dataclass
class CordisReport:
    rows: int = 0
    projects_created: int = 0
    organisations_matched: int = 0  # found in the registry by the matcher
    organisations_ambiguous: int = 0  # several registry candidates: a new record was made
    organisations_created: int = 0
    placeholders: int = 0
    partnerships_created: int = 0
    invalid: list[str] = field(default_factory=list)


def _open(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:  # type: ignore[operator]
        return list(csv.DictReader(handle))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _organisations(
    rows: list[dict[str, str]], names: dict[str, dict[str, str]], report: CordisReport
) -> tuple[dict[int, str], list[Organisation]]:
    """Reading only: the registry organisations the matcher finds for PICs (id -> PIC) and
    the organisations to create for the others."""
    country_names = dict(Country.objects.values_list("code", "name_en"))
    known = dict(Organisation.objects.exclude(pic=None).values_list("pic", "pk"))
    taken = set(known.values())  # organisations that already carry a PIC
    first_row: dict[str, dict[str, str]] = {}
    for row in rows:
        first_row.setdefault(row["pic"], row)
    matcher = registry_matcher()
    new: list[Organisation] = []
    linked: dict[int, str] = {}
    for pic, row in first_row.items():
        if pic in known:
            continue
        code = COUNTRY_CODES.get(row["country"], row["country"])
        country = code if code in country_names else None
        named = names.get(pic)
        if named:
            match = matcher.match(f"{named['name']}, {country_names.get(country or '', '')}")
            if match.id and int(match.id) not in taken and int(match.id) not in linked:
                linked[int(match.id)] = pic
                report.organisations_matched += 1
                continue
            if match.id is None and len(match.candidates) > 1:
                report.organisations_ambiguous += 1
        else:
            report.placeholders += 1
        org = Organisation(pic=pic, name=(named["name"] if named else PLACEHOLDER.format(pic=pic))[:300],
                           kind=KINDS.get(row["type"], OrganisationType.OTHER), country_id=country,
                           source=OrganisationSource.CORDIS)  # fmt: skip
        org.refresh_search_text()
        new.append(org)
    return linked, new


def _projects(rows: list[dict[str, str]], parts: dict[str, str]) -> list[Project]:
    """Reading only: the projects not imported yet."""
    by_project: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_project.setdefault(row["rcn"], []).append(row)
    existing = set(
        Project.objects.filter(external_id__startswith="cordis:h2020:").values_list("external_id", flat=True)
    )
    new_projects = []
    for rcn, members in by_project.items():
        external = f"cordis:h2020:{rcn}"
        if external in existing:
            continue
        first = members[0]
        programme = parts.get(rcn, "")
        project = Project(
            external_id=external, title=PROJECT_TITLE.format(rcn=rcn), start_on=_date(first["start_date"]),
            end_on=_date(first["end_date"]), funding_programme=f"Horizon 2020 {programme}".strip(),
            funding_amount=_amount(first["max_contribution"]), currency="EUR",
        )  # fmt: skip
        project.refresh_search_text()
        new_projects.append(project)
    return new_projects


def import_cordis(
    path: Path, names_path: Path | None, *, progress: Callable[[str], None] | None = None
) -> CordisReport:
    report = CordisReport()
    rows = _open(path)
    report.rows = len(rows)
    names = {r["pic"]: r for r in _open(names_path)} if names_path else {}
    parts_path = path.with_name("programme_parts.csv.gz")
    parts = {r["rcn"]: r["programme_part"] for r in _open(parts_path)} if parts_path.exists() else {}
    say = progress or (lambda _message: None)
    say(f"{len(rows):,} participations read; resolving {len({r['pic'] for r in rows}):,} organisations…")
    linked, new_organisations = _organisations(rows, names, report)
    new_projects = _projects(rows, parts)
    say("writing, in one transaction (all or nothing)…")
    with transaction.atomic():
        for org_id, pic in linked.items():
            Organisation.objects.filter(pk=org_id, pic=None).update(pic=pic)
        Organisation.objects.bulk_create(new_organisations, batch_size=1000)
        report.organisations_created = len(new_organisations)
        org_of = {pic: pk for pic, pk in Organisation.objects.exclude(pic=None).values_list("pic", "pk") if pic}
        say(f"{len(new_organisations):,} organisations created; creating {len(new_projects):,} projects…")
        Project.objects.bulk_create(new_projects, batch_size=2000)
        report.projects_created = len(new_projects)
        say("linking partners…")
        project_of = dict(
            Project.objects.filter(external_id__startswith="cordis:h2020:").values_list("external_id", "pk")
        )
        have = set(Partnership.objects.exclude(project=None).values_list("project_id", "organisation_id", "role"))
        links = []
        for row in rows:
            key = (project_of[f"cordis:h2020:{row['rcn']}"], org_of[row["pic"]], ROLES.get(row["role"], "participant"))
            if key not in have:
                have.add(key)
                links.append(Partnership(project_id=key[0], organisation_id=key[1], role=key[2]))
        Partnership.objects.bulk_create(links, batch_size=5000)
        report.partnerships_created = len(links)
        say("committing…")
    return report
