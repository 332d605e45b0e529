"""Demo cooperation records for `make run`: invented, marked is_demo and named "(demo)".
No public list of agreements, joint labs or demonstration centres exists to import."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from silkbridge.cooperation.models import (
    Agreement,
    AgreementParty,
    CentreYear,
    DemonstrationCentre,
    JointLab,
    Output,
    Partnership,
    Project,
)
from silkbridge.registry.models import Country, Organisation

# Invented topics, each with an invented one-line abstract for its demo project (so that
# search and "similar" have some text to work on, as real projects have), the fields of
# science (OECD FORD) it belongs to and what its demonstration centre shows.
TOPICS = {
    "water-saving irrigation": "Field trials of drip and sprinkler irrigation that cut the water used on "
    "smallholder vegetable and cotton farms.",
    "rice breeding": "Breeding and testing high-yield, stress-tolerant rice varieties with local seed companies.",
    "solar energy": "Photovoltaic mini-grids for villages, and training for the technicians who run them.",
    "malaria control": "Surveillance of malaria cases and of mosquito resistance to insecticides; "
    "community prevention trials.",
    "grassland restoration": "Reseeding and grazing management to restore degraded grassland and rangeland.",
    "aquaculture": "Pond and cage fish farming: feeds, tilapia and carp breeding, water quality.",
    "remote sensing": "Satellite images to map crops, land use and drought across the partner country.",
    "food safety": "Laboratory methods to detect pesticide residues and contaminants in food.",
}
TOPIC_FIELDS = {
    "water-saving irrigation": ["4.1", "2.7"],
    "rice breeding": ["4.1", "4.4"],
    "solar energy": ["2.2", "2.7"],
    "malaria control": ["3.3", "3.2"],
    "grassland restoration": ["4.1", "1.5"],
    "aquaculture": ["4.2", "4.1"],
    "remote sensing": ["1.5", "1.2"],
    "food safety": ["3.3", "1.4"],
}
TECHNOLOGIES = {
    "water-saving irrigation": "Drip lines, low-pressure sprinklers, soil-moisture sensors",
    "rice breeding": "Hybrid and drought-tolerant rice lines, seed multiplication plots",
    "solar energy": "Photovoltaic mini-grid, battery storage, solar water pumps",
    "malaria control": "Insecticide-treated nets, rapid diagnostic tests, larval source management",
    "grassland restoration": "Native grass reseeding, rotational grazing paddocks",
    "aquaculture": "Recirculating tanks, floating cages, low-cost fish feed",
    "remote sensing": "Ground stations, drone mapping, crop-monitoring dashboards",
    "food safety": "Rapid pesticide-residue test kits, a reference laboratory bench",
}


# The country of the organisation the demo editor edits (registry.demo.seed_users).
DEMO_EDITOR_COUNTRY = "KE"


def _years_after(day: date, years: int) -> date:
    return date(day.year + years, day.month, min(day.day, 28))


@transaction.atomic
def seed_cooperation(today: date | None = None) -> int:
    """Idempotent (keyed by external ids "demo:..."); returns the number of records. Dates
    are relative to `today` (the seeding day): some agreements, labs and projects are
    active today, with ended ones behind them."""
    today = today or timezone.localdate()
    rng = random.Random(2026)
    partners = list(Country.objects.filter(is_partner=True).order_by("code").values_list("code", flat=True))
    partners.sort(key=lambda code: code != DEMO_EDITOR_COUNTRY)  # the demo editor's records come first
    if not partners or not Organisation.objects.filter(country_id="CN").exists():
        return 0
    chinese = list(Organisation.objects.filter(country_id="CN").order_by("ror_id")[:40])
    count = 0
    for n, code in enumerate(partners[:12]):
        signed = today - timedelta(days=365 * (2 + n % 9) + 30 * n)
        # topics repeat across countries: the country tells two records of one topic apart
        country = Country.objects.get(code=code).name_en
        topic = list(TOPICS)[n % len(TOPICS)]
        fields = TOPIC_FIELDS[topic]
        agreement, _created = Agreement.objects.update_or_create(
            external_id=f"demo:agreement:{code}",
            defaults={
                "kind": "intergovernmental",
                "is_demo": True,
                "signed_on": signed,
                "in_force_from": signed + timedelta(days=18),
                "expires_on": _years_after(signed, 10) if n % 3 else None,
                "titles": {"en": f"Demo S&T cooperation agreement, China and {country} (demo)"},
            },
        )
        agreement.parties.all().delete()
        AgreementParty.objects.bulk_create([AgreementParty(agreement=agreement, country_id=c) for c in ("CN", code)])
        agreement.fields.set(fields)  # type: ignore[arg-type]
        count += 1
        local = Organisation.objects.filter(country_id=code).order_by("ror_id").first()
        if local is None:
            continue
        established = _years_after(signed, 1)
        closed = _years_after(established, 5) if n % 4 == 0 and _years_after(established, 5) < today else None
        lab, _created = JointLab.objects.update_or_create(
            external_id=f"demo:lab:{code}",
            defaults={
                "is_demo": True,
                "names": {"en": f"Demo joint laboratory for {topic}, China and {country} (demo)"},
                "description": f"{TOPICS[topic]} (Invented demo record.)",
                "established_on": established,
                "closed_on": closed,
                "agreement": agreement,
            },
        )
        lab.fields.set(fields)  # type: ignore[arg-type]
        lab.partners.all().delete()
        Partnership.objects.bulk_create(
            [
                Partnership(lab=lab, organisation=local, role="host"),
                Partnership(lab=lab, organisation=chinese[n % len(chinese)]),
            ]
        )
        opened = _years_after(signed, 2)
        centre, _created = DemonstrationCentre.objects.update_or_create(
            external_id=f"demo:centre:{code}",
            defaults={
                "is_demo": True,
                "names": {"en": f"Demo {topic} demonstration centre in {country} (demo)"},
                "host_country_id": code,
                "opened_on": opened,
                "technologies": TECHNOLOGIES[topic],
                "agreement": agreement,
                "area_hectares": 5 + 3 * n,
            },
        )
        centre.fields.set(fields[:1])  # type: ignore[arg-type]
        for year in range(opened.year, today.year):
            CentreYear.objects.update_or_create(
                centre=centre,
                year=year,
                defaults={"people_trained": rng.randint(40, 400), "technologies_adopted": rng.randint(1, 9)},
            )
        first_start = established + timedelta(days=180)
        periods = [(first_start, _years_after(first_start, 3))]  # the first project, often ended
        if closed is None:  # a project going on today under an open lab
            periods.append((today - timedelta(days=90 + 30 * n), today + timedelta(days=700)))
        for number, (start, end) in enumerate(periods, start=1):
            project = _seed_project(code, country, topic, number, start, end, agreement, lab)
            project.fields.set(fields)  # type: ignore[arg-type]
            project.partners.all().delete()
            Partnership.objects.bulk_create(
                [
                    Partnership(project=project, organisation=local, role="coordinator"),
                    Partnership(project=project, organisation=chinese[(n + 5 * number) % len(chinese)]),
                ]
            )
            _seed_outputs(project, code, number, start, today)
            count += 1
        for record in (agreement, lab, centre):
            record.refresh_search_text()
            record.save(update_fields=["search_text"])
        count += 2
    return count


def _seed_project(
    code: str, country: str, topic: str, number: int, start: date, end: date, agreement: Agreement, lab: JointLab
) -> Project:
    suffix = "" if number == 1 else f", phase {number}"
    project, _created = Project.objects.update_or_create(
        external_id=f"demo:project:{code}" if number == 1 else f"demo:project:{code}:{number}",
        defaults={
            "is_demo": True,
            "title": f"Demo project on {topic}, China and {country}{suffix} (demo)",
            "abstract": f"{TOPICS[topic]} (Invented demo record.)",
            "start_on": start,
            "end_on": end,
            "agreement": agreement,
            "lab": lab,
        },
    )
    project.refresh_search_text()
    project.save(update_fields=["search_text"])
    return project


def _seed_outputs(project: Project, code: str, number: int, start: date, today: date) -> None:
    """A publication (an invented DOI under 10.5555, the prefix kept for examples) and a
    dataset a year after the project started, where that year has come."""
    year = start.year + 1
    if year > today.year:
        return
    for kind, identifier, count in (
        ("publication", f"10.5555/silkbridge-demo.{code.lower()}.{number}", 2),
        ("dataset", "", 1),
    ):
        Output.all_records.update_or_create(
            external_id=f"demo:output:{code}:{number}:{kind}",
            defaults={"project": project, "kind": kind, "year": year, "count": count, "identifier": identifier},
        )
