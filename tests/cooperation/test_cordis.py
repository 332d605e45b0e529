from pathlib import Path
from typing import Any

import pytest

from silkbridge.cooperation.cordis import PLACEHOLDER, import_cordis
from silkbridge.cooperation.models import Partnership, Project
from silkbridge.registry.models import Organisation
from tests.factories import OrganisationFactory

DATA = Path(__file__).resolve().parent.parent / "data"
ROWS, NAMES = DATA / "cordis_sample.csv", DATA / "cordis_names_sample.csv"


@pytest.mark.django_db
def test_cordis_import_creates_projects_partners_and_links_known_organisations(reference: Any) -> None:
    aarhus = OrganisationFactory(
        name="Aarhus University", names={"da": "Aarhus Universitet"}, country_id="DK", city="Aarhus", kind="education"
    )
    report = import_cordis(ROWS, NAMES)
    assert report.rows == 40 and report.projects_created == 3 and report.partnerships_created == 40
    assert report.organisations_matched >= 1 and report.placeholders == 38 - 25
    aarhus.refresh_from_db()
    assert aarhus.pic == "999997736"
    assert Partnership.objects.filter(organisation=aarhus).exists()
    project = Project.objects.get(partners__organisation=aarhus)
    assert project.external_id.startswith("cordis:h2020:") and "title not in the source file" in project.title
    assert project.currency == "EUR" and project.start_on is not None
    placeholder = Organisation.objects.filter(name__startswith="Unnamed CORDIS participant").first()
    assert placeholder is not None and placeholder.name == PLACEHOLDER.format(pic=placeholder.pic)
    # EU country codes are mapped to ISO 3166-1
    assert not Organisation.objects.filter(country_id__in=["UK", "EL"]).exists()
    assert Organisation.objects.filter(pic__isnull=False, country_id="GB").exists()


@pytest.mark.django_db
def test_cordis_import_twice_changes_nothing(reference: Any) -> None:
    import_cordis(ROWS, NAMES)
    counts = (Project.objects.count(), Organisation.objects.count(), Partnership.objects.count())
    again = import_cordis(ROWS, NAMES)
    assert (again.projects_created, again.organisations_created, again.partnerships_created) == (0, 0, 0)
    assert (Project.objects.count(), Organisation.objects.count(), Partnership.objects.count()) == counts
