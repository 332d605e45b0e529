"""Fixtures shared by the cooperation tests: the roles of the review's permission matrix and
a published lab."""

from datetime import date
from typing import Any

import pytest

from silkbridge.cooperation.models import JointLab, Partnership, ProgrammeOfficer
from tests.factories import UserFactory


@pytest.fixture
def people(roles: dict[str, Any]) -> dict[str, Any]:
    """The roles of the permission matrix, with a programme officer for Kenya."""
    officer = UserFactory()
    ProgrammeOfficer.objects.create(user=officer, country_id="KE")
    return {**roles, "officer": officer}


@pytest.fixture
def published_lab(org: Any) -> JointLab:
    lab = JointLab.objects.create(names={"en": "Sino-Kenyan Soil Lab"}, established_on=date(2020, 1, 1))
    Partnership.objects.create(lab=lab, organisation=org, role="host")
    return lab
