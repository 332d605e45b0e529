"""The demo data set of `make run`: real countries, fields and ROR organisations, plus
invented experts and partner statuses that are visibly marked as demo data."""

import random
import secrets
from datetime import date
from pathlib import Path

from django.db import transaction

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership, User
from silkbridge.registry.enums import Visibility
from silkbridge.registry.models import Country, Expert, Field, Organisation
from silkbridge.registry.reference import DATA_DIR

DEMO_EXTRACT = DATA_DIR / "ror_demo.jsonl.gz"
# Invented for the demo: there is no public list of partner countries.
DEMO_PARTNERS = ["KZ", "UZ", "PK", "TH", "ID", "EG", "KE", "ET", "NG", "RU", "SA", "AE", "IR", "TR", "RS", "HU",
                 "AR", "BR", "CL", "MY", "VN", "LA", "KH", "MN", "LK", "BD", "NP", "GR", "IT", "PT"]  # fmt: skip
KEYWORDS = ["drip irrigation", "rice breeding", "solar photovoltaics", "wind power", "malaria vaccines",
            "remote sensing", "desertification", "aquaculture", "smart grids", "traditional medicine",
            "soil salinity", "food safety", "tuberculosis", "hydropower", "seed banks",
            "grassland ecology"]  # fmt: skip
LANGUAGE_SETS = [["en"], ["en", "zh"], ["ar", "en"], ["ru", "en"], ["fr", "en"], ["es", "en"], ["zh"]]


@transaction.atomic
def seed_experts(count: int = 40) -> int:
    """Demo experts, deterministic; names say "(demo)". Idempotent."""
    rng = random.Random(20261129)
    orgs = list(Organisation.objects.exclude(country=None).order_by("ror_id").values_list("pk", "country_id")[:3000])
    fields: list[str] = list(Field.objects.filter(level=2).values_list("code", flat=True))
    visibilities = [Visibility.PUBLIC] * 8 + [Visibility.MEMBERS, Visibility.HIDDEN]
    for number in range(1, count + 1):
        org_pk, country = rng.choice(orgs)
        expert, _created = Expert.objects.update_or_create(
            name=f"Demo Expert {number:02d} (demo)",
            is_demo=True,
            defaults={
                "country_id": country,
                "keywords": rng.sample(KEYWORDS, 3),
                "languages": rng.choice(LANGUAGE_SETS),
                "bio": "Invented profile for the Silkbridge demonstration site. This person does not exist.",
                "email": f"expert{number:02d}@demo.silkbridge.invalid",
                "phone": f"+000 555 01{number:02d}",
                "visibility": visibilities[number % len(visibilities)],
            },
        )
        expert.affiliations.set([org_pk])
        expert.fields.set(rng.sample(fields, 2))  # type: ignore[arg-type]
        expert.refresh_search_text()
        expert.save(update_fields=["search_text"])
    return count


@transaction.atomic
def seed_partners() -> int:
    for index, code in enumerate(DEMO_PARTNERS):
        Country.objects.filter(code=code).update(
            is_partner=True, partner_is_demo=True, partner_since=date(2014 + index % 10, 1 + index % 12, 1)
        )
    return len(DEMO_PARTNERS)


def seed_users(password_file: Path) -> list[str]:
    """Demo accounts with random passwords written to a private file; existing ones are kept."""
    created = []
    editor_org = Organisation.objects.order_by("ror_id").first()
    for email, extra in [
        ("staff@demo.silkbridge.invalid", {"is_staff": True, "is_superuser": True}),
        ("moderator@demo.silkbridge.invalid", {"is_moderator": True}),
        ("editor@demo.silkbridge.invalid", {}),
        ("member@demo.silkbridge.invalid", {}),
    ]:
        if User.objects.filter(email=email).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            email, password, display_name=f"Demo {email.split('@')[0]} (demo)", email_confirmed=True, **extra
        )
        if email.startswith("editor") and editor_org:
            Membership.objects.create(user=user, organisation=editor_org, role=MembershipRole.EDITOR)
        created.append(f"{email}  {password}")
    if created:
        password_file.parent.mkdir(parents=True, exist_ok=True)
        with password_file.open("a") as handle:
            handle.write("\n".join(created) + "\n")
        password_file.chmod(0o600)
    return created
