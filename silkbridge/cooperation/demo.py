"""Demo cooperation records for `make run`: invented, marked is_demo and named "(demo)".
No public list of agreements, joint labs or demonstration centres exists to import."""

import random
from datetime import date

from django.db import transaction

from silkbridge.cooperation.models import (
    Agreement,
    AgreementParty,
    CentreYear,
    DemonstrationCentre,
    JointLab,
    Partnership,
    Project,
)
from silkbridge.registry.models import Country, Field, Organisation

# Invented topics, each with an invented one-line abstract for its demo project (so that
# search and "similar" have some text to work on, as real projects have).
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


@transaction.atomic
def seed_cooperation() -> int:
    """Idempotent (keyed by external ids "demo:..."); returns the number of records."""
    rng = random.Random(2026)
    partners = list(Country.objects.filter(is_partner=True).order_by("code").values_list("code", flat=True))
    fields = list(Field.objects.filter(level=2).values_list("code", flat=True))
    if not partners or not Organisation.objects.filter(country_id="CN").exists():
        return 0
    chinese = list(Organisation.objects.filter(country_id="CN").order_by("ror_id")[:40])
    count = 0
    for n, code in enumerate(partners[:12]):
        signed = date(2013 + n % 9, 1 + n % 12, 10)
        # topics repeat across countries: the country tells two records of one topic apart
        country = Country.objects.get(code=code).name_en
        agreement, _created = Agreement.objects.update_or_create(
            external_id=f"demo:agreement:{code}",
            defaults={
                "kind": "intergovernmental",
                "is_demo": True,
                "signed_on": signed,
                "in_force_from": date(signed.year, signed.month, 28),
                "expires_on": date(signed.year + 10, signed.month, 27) if n % 3 else None,
                "titles": {"en": f"Demo S&T cooperation agreement, China and {country} (demo)"},
            },
        )
        agreement.parties.all().delete()
        AgreementParty.objects.bulk_create([AgreementParty(agreement=agreement, country_id=c) for c in ("CN", code)])
        agreement.fields.set(rng.sample(fields, 3))  # type: ignore[arg-type]
        count += 1
        local = Organisation.objects.filter(country_id=code).order_by("ror_id").first()
        if local is None:
            continue
        topic = list(TOPICS)[n % len(TOPICS)]
        lab, _created = JointLab.objects.update_or_create(
            external_id=f"demo:lab:{code}",
            defaults={
                "is_demo": True,
                "names": {"en": f"Demo joint laboratory for {topic}, China and {country} (demo)"},
                "established_on": date(signed.year + 1, 3, 1),
            },
        )
        lab.fields.set(list(agreement.fields.all()[:1]))
        lab.partners.all().delete()
        Partnership.objects.bulk_create(
            [
                Partnership(lab=lab, organisation=local, role="host"),
                Partnership(lab=lab, organisation=chinese[n % len(chinese)]),
            ]
        )
        centre, _created = DemonstrationCentre.objects.update_or_create(
            external_id=f"demo:centre:{code}",
            defaults={
                "is_demo": True,
                "names": {"en": f"Demo {topic} demonstration centre in {country} (demo)"},
                "host_country_id": code,
                "opened_on": date(signed.year + 2, 5, 1),
                "technologies": topic,
            },
        )
        centre.fields.set(list(agreement.fields.all()[1:2]))
        for year in range(signed.year + 2, 2026):
            CentreYear.objects.update_or_create(
                centre=centre,
                year=year,
                defaults={"people_trained": rng.randint(40, 400), "technologies_adopted": rng.randint(1, 9)},
            )
        project, _created = Project.objects.update_or_create(
            external_id=f"demo:project:{code}",
            defaults={
                "is_demo": True,
                "title": f"Demo project on {topic}, China and {country} (demo)",
                "abstract": f"{TOPICS[topic]} (Invented demo record.)",
                "start_on": date(signed.year + 1, 9, 1),
                "end_on": date(signed.year + 4, 8, 31),
                "agreement": agreement,
                "lab": lab,
            },
        )
        project.fields.set(list(agreement.fields.all()[:1]))
        project.partners.all().delete()
        Partnership.objects.bulk_create(
            [
                Partnership(project=project, organisation=local, role="coordinator"),
                Partnership(project=project, organisation=chinese[(n + 5) % len(chinese)]),
            ]
        )
        for record in (agreement, lab, centre, project):
            record.refresh_search_text()
            record.save(update_fields=["search_text"])
        count += 3
    return count
