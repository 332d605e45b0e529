"""The demo data set of `make run`: real countries, fields and ROR organisations, plus
invented experts, partner statuses, cooperation records, marketplace listings and accounts, each visibly marked
as demo data (``registry.demo``, ``cooperation.demo``, ``marketplace.demo``)."""

from pathlib import Path

from silkbridge.cooperation.demo import seed_cooperation
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
    return report, seed_users(password_file)
