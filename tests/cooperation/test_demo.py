from typing import Any

import pytest

from silkbridge.cooperation.demo import TOPICS, seed_cooperation
from silkbridge.cooperation.models import Agreement, DemonstrationCentre, JointLab, Project
from silkbridge.registry.models import Country
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(reference: Any) -> list[str]:
    codes = sorted(Country.objects.exclude(code="CN").values_list("code", flat=True))[: len(TOPICS) + 4]
    Country.objects.filter(code__in=codes).update(is_partner=True, partner_is_demo=True)
    for code in [*codes, "CN"]:
        OrganisationFactory(country_id=code)
    return codes


def test_demo_records_are_marked_and_each_is_named_apart(partners: list[str]) -> None:
    seed_cooperation()
    projects = list(Project.objects.all())
    assert len({p.lab_id for p in projects}) == len(partners) > len(TOPICS)  # so topics repeat
    for model in (Project, JointLab, DemonstrationCentre, Agreement):
        records = list(model.objects.all())  # type: ignore[attr-defined]
        names = [str(r) for r in records]
        assert all(r.is_demo for r in records)
        assert all(n.endswith("(demo)") for n in names), names
        assert len(set(names)) == len(names), names  # a topic met twice reads as two records


def test_seeding_the_demo_twice_changes_nothing(partners: list[str]) -> None:
    seed_cooperation()
    before = sorted(Project.objects.values_list("external_id", "title"))
    seed_cooperation()
    assert sorted(Project.objects.values_list("external_id", "title")) == before


def test_the_demo_lives_relative_to_the_day_it_is_seeded(partners: list[str]) -> None:
    from datetime import date

    from silkbridge.cooperation import queries
    from silkbridge.cooperation.models import Output

    for today in (date(2026, 12, 2), date(2031, 6, 1)):
        seed_cooperation(today=today)
        assert queries.projects_active(on=today).count() >= 3
        assert queries.labs_active(on=today).count() >= 3
        assert Agreement.objects.filter(queries.in_force_q(today)).count() >= 3
        assert Project.objects.filter(end_on__lt=today).exists()  # a history behind them
    assert Output.objects.filter(identifier__startswith="10.5555/").exists()
    irrigation = next(c for c in DemonstrationCentre.objects.all() if "irrigation" in str(c))
    assert {f.parent_id for f in irrigation.fields.all()} <= {"2", "4"}
    assert all(lab.agreement_id for lab in JointLab.objects.all())
