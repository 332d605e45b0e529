"""The demo data set of `make run`: real countries, fields and ROR organisations, plus
invented experts and partner statuses that are visibly marked as demo data."""

import random
import secrets
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership, User
from silkbridge.registry.enums import Visibility
from silkbridge.registry.models import Country, Expert, Organisation
from silkbridge.registry.reference import DATA_DIR

DEMO_EXTRACT = DATA_DIR / "ror_demo.jsonl.gz"
# Invented for the demo: there is no public list of partner countries.
DEMO_PARTNERS = ["KZ", "UZ", "PK", "TH", "ID", "EG", "KE", "ET", "NG", "RU", "SA", "AE", "IR", "TR", "RS", "HU",
                 "AR", "BR", "CL", "MY", "VN", "LA", "KH", "MN", "LK", "BD", "NP", "GR", "IT", "PT"]  # fmt: skip
KEYWORDS = ["drip irrigation", "rice breeding", "solar photovoltaics", "wind power", "malaria vaccines",
            "remote sensing", "desertification", "aquaculture", "smart grids", "traditional medicine",
            "soil salinity", "food safety", "tuberculosis", "hydropower", "seed banks",
            "grassland ecology"]  # fmt: skip
# The field of science (OECD FORD) of each keyword: an expert's fields follow from theirs.
KEYWORD_FIELDS = {
    "drip irrigation": "4.1", "rice breeding": "4.4", "solar photovoltaics": "2.2", "wind power": "2.2",
    "malaria vaccines": "3.4", "remote sensing": "1.5", "desertification": "1.5", "aquaculture": "4.2",
    "smart grids": "2.2", "traditional medicine": "3.2", "soil salinity": "4.1", "food safety": "3.3",
    "tuberculosis": "3.2", "hydropower": "2.1", "seed banks": "4.4", "grassland ecology": "1.6",
}  # fmt: skip
# Experts work at research organisations, never at (say) a sports charity.
EXPERT_EMPLOYERS = ["education", "facility", "government", "healthcare"]
LANGUAGE_SETS = [["en"], ["en", "zh"], ["ar", "en"], ["ru", "en"], ["fr", "en"], ["es", "en"], ["zh"]]


@transaction.atomic
def seed_experts(count: int = 40) -> int:
    """Demo experts, deterministic; names say "(demo)". Idempotent."""
    rng = random.Random(20261129)
    orgs = list(
        Organisation.objects.exclude(country=None)
        .filter(kind__in=EXPERT_EMPLOYERS)
        .order_by("ror_id")
        .values_list("pk", "country_id")[:3000]
    )
    visibilities = [Visibility.PUBLIC] * 8 + [Visibility.MEMBERS, Visibility.HIDDEN]
    for number in range(1, count + 1):
        org_pk, country = rng.choice(orgs)
        keywords = rng.sample(KEYWORDS, 3)
        expert, _created = Expert.objects.update_or_create(
            name=f"Demo Expert {number:02d} (demo)",
            is_demo=True,
            defaults={
                "country_id": country,
                "keywords": keywords,
                "languages": rng.choice(LANGUAGE_SETS),
                "bio": "Invented profile for the Silkbridge demonstration site. This person does not exist.",
                "email": f"expert{number:02d}@demo.silkbridge.invalid",
                "phone": f"+000 555 01{number:02d}",
                "visibility": visibilities[number % len(visibilities)],
            },
        )
        expert.affiliations.set([org_pk])
        expert.fields.set(sorted({KEYWORD_FIELDS[k] for k in keywords}))  # type: ignore[arg-type]
        expert.refresh_search_text()
        expert.save(update_fields=["search_text"])
    return count


@transaction.atomic
def seed_partners() -> int:
    for index, code in enumerate(DEMO_PARTNERS):
        since = timezone.localdate() - timedelta(days=365 * (2 + index % 10) + 30 * (index % 12))
        Country.objects.filter(code=code).update(is_partner=True, partner_is_demo=True, partner_since=since)
    return len(DEMO_PARTNERS)


def seed_users(password_file: Path) -> list[str]:
    """Demo accounts with random passwords written to a private file; existing ones are kept."""
    created = []
    # the editor edits the Kenyan organisation of the demo cooperation records
    editor_org = (
        Organisation.objects.filter(country_id="KE").order_by("ror_id").first()
        or Organisation.objects.order_by("ror_id").first()
    )
    for email, extra in [
        ("staff@demo.silkbridge.invalid", {"is_staff": True, "is_superuser": True}),
        ("moderator@demo.silkbridge.invalid", {"is_moderator": True}),
        ("editor@demo.silkbridge.invalid", {}),
        ("officer@demo.silkbridge.invalid", {}),
        ("member@demo.silkbridge.invalid", {}),
        ("organiser@demo.silkbridge.invalid", {"is_event_organiser": True}),  # the demo conference's
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
