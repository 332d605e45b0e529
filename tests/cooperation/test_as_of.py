"""Known answers before, on and after every date boundary."""

from datetime import date, timedelta
from typing import Any

import pytest

from silkbridge.cooperation import queries
from silkbridge.cooperation.enums import AgreementStatus
from silkbridge.cooperation.models import Agreement, AgreementParty, DemonstrationCentre, JointLab, Partnership, Project
from tests.factories import OrganisationFactory

D = date.fromisoformat
DAY = timedelta(days=1)


def agreement(kind: str = "intergovernmental", countries: tuple[str, ...] = ("CN", "KE"), **dates: Any) -> Agreement:
    a = Agreement.objects.create(kind=kind, titles={"en": "S&T cooperation agreement"}, **dates)
    for code in countries:
        AgreementParty.objects.create(agreement=a, country_id=code)
    return a


@pytest.mark.parametrize(
    ("day", "status"),
    [
        ("2019-12-31", AgreementStatus.DRAFT),
        ("2020-01-01", AgreementStatus.SIGNED),  # signed on
        ("2020-05-31", AgreementStatus.SIGNED),
        ("2020-06-01", AgreementStatus.IN_FORCE),  # in force from
        ("2025-06-01", AgreementStatus.IN_FORCE),  # expires on: the last day in force
        ("2025-06-02", AgreementStatus.EXPIRED),
    ],
)
def test_status_follows_the_dates(day: str, status: AgreementStatus) -> None:
    a = Agreement(signed_on=D("2020-01-01"), in_force_from=D("2020-06-01"), expires_on=D("2025-06-01"))
    assert a.status_on(D(day)) == status


def test_termination_ends_force_on_its_day() -> None:
    a = Agreement(signed_on=D("2020-01-01"), in_force_from=D("2020-01-01"), terminated_on=D("2022-03-15"))
    assert a.status_on(D("2022-03-14")) == AgreementStatus.IN_FORCE
    assert a.status_on(D("2022-03-15")) == AgreementStatus.TERMINATED


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["2019-12-31", "2020-01-01", "2020-06-01", "2023-06-30", "2025-06-01", "2025-06-02"])
def test_database_status_matches_the_python_rule(reference: Any, day: str) -> None:
    records = [
        agreement(signed_on=D("2020-01-01"), in_force_from=D("2020-06-01"), expires_on=D("2025-06-01")),
        agreement(signed_on=D("2020-01-01"), in_force_from=D("2020-01-01"), terminated_on=D("2023-06-30")),
        agreement(signed_on=None),
    ]
    for status in AgreementStatus:
        expected = {a.pk for a in records if a.status_on(D(day)) == status}
        assert set(queries.agreements(on=D(day), status=status).values_list("pk", flat=True)) == expected, status


@pytest.mark.django_db
def test_partner_countries_with_an_agreement_in_force(reference: Any) -> None:
    agreement(countries=("CN", "KE"), in_force_from=D("2018-01-01"), expires_on=D("2023-06-30"))
    agreement(countries=("CN", "KZ"), in_force_from=D("2023-07-01"))
    agreement(kind="mou", countries=("CN", "EG"), in_force_from=D("2010-01-01"))  # not intergovernmental
    agreement(countries=("CN", "PK"), in_force_from=D("2015-01-01"), terminated_on=D("2023-06-30"))

    def codes(day: str) -> list[str]:
        return sorted(queries.partner_countries_with_agreement(on=D(day)).values_list("code", flat=True))

    assert codes("2023-06-29") == ["CN", "KE", "PK"]
    assert codes("2023-06-30") == ["CN", "KE"]  # KE's last day; PK terminated that day
    assert codes("2023-07-01") == ["CN", "KZ"]
    assert codes("2017-12-31") == ["CN", "PK"]


@pytest.mark.django_db
def test_labs_centres_and_projects_are_active_from_start_through_end(reference: Any) -> None:
    org = OrganisationFactory()
    lab = JointLab.objects.create(names={"en": "Joint Lab"}, established_on=D("2019-03-01"), closed_on=D("2024-12-31"))
    centre = DemonstrationCentre.objects.create(names={"en": "Centre"}, host_country_id="KE", opened_on=D("2021-01-01"))
    project = Project.objects.create(title="P", start_on=D("2020-01-01"), end_on=D("2022-12-31"))
    for record in (lab, centre, project):
        field = {JointLab: "lab", DemonstrationCentre: "centre", Project: "project"}[type(record)]
        Partnership.objects.create(organisation=org, **{field: record})
    for day, expected in [
        ("2019-02-28", (0, 0, 0)),
        ("2019-03-01", (1, 0, 0)),
        ("2020-01-01", (1, 0, 1)),
        ("2021-01-01", (1, 1, 1)),
        ("2022-12-31", (1, 1, 1)),
        ("2023-01-01", (1, 1, 0)),
        ("2024-12-31", (1, 1, 0)),
        ("2025-01-01", (0, 1, 0)),
    ]:
        on = D(day)
        got = (
            queries.labs_active(on=on).count(),
            queries.centres_open(on=on).count(),
            queries.projects_active(on=on).count(),
        )
        assert got == expected, day
