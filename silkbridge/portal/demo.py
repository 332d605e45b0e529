"""The demo data set of `make run`: real countries, fields and ROR organisations, plus
invented experts, partner statuses, cooperation records, marketplace listings, accounts and a
conference, each visibly marked as demo data (``registry.demo``, ``cooperation.demo``,
``marketplace.demo``, ``events.demo``)."""

from pathlib import Path

from silkbridge.accounts.models import User
from silkbridge.cooperation.demo import seed_cooperation
from silkbridge.cooperation.models import ProgrammeOfficer
from silkbridge.events.demo import seed_conference
from silkbridge.marketplace.demo import seed_marketplace
from silkbridge.registry.demo import DEMO_EXTRACT, seed_experts, seed_partners, seed_users
from silkbridge.registry.importing import ImportReport, import_ror
from silkbridge.registry.reference import load_countries, load_fields


def seed(password_file: Path) -> tuple[ImportReport, list[str]]:
    load_countries()
    load_fields()
    report = import_ror([DEMO_EXTRACT])
    seed_partners()
    seed_experts()
    seed_cooperation()
    seed_marketplace()
    created = seed_users(password_file)
    officer = User.objects.filter(email="officer@demo.silkbridge.invalid").first()
    if officer is not None:  # submits Kenya's intergovernmental agreements for review
        ProgrammeOfficer.objects.get_or_create(user=officer, country_id="KE")
    seed_conference()  # after the accounts: two of them take part
    return report, created
