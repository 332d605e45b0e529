"""“As of” beyond the cooperation pages: the organisation and country pages and the
indicators take ``?as_of=`` with the same date control; a day that is not a date is a clear
error in the reader's language (400) and the page stays as it is today."""

from datetime import date
from typing import Any

import pytest

from silkbridge.cooperation.models import JointLab, Partnership
from tests.conftest import client_for

ERRORS = {
    "en": "Enter the date as YYYY-MM-DD, for example 2023-03-15.",
    "fr": "Saisissez la date sous la forme AAAA-MM-JJ, par exemple 2023-03-15.",
}


@pytest.fixture
def lab(org: Any) -> JointLab:
    lab = JointLab.objects.create(
        names={"en": "Crop Lab"}, established_on=date(2015, 5, 1), closed_on=date(2022, 12, 31)
    )
    Partnership.objects.create(lab=lab, organisation=org, role="host")
    return lab


def pages(org: Any, lab: JointLab) -> list[str]:
    return [
        f"organisations/{org.pk}/",
        "countries/KE/",
        "indicators/",
        "indicators/labs-by-country/",
        "indicators/gaps/",
        "cooperation/labs/",
        f"cooperation/labs/{lab.pk}/",
    ]


@pytest.mark.django_db
def test_every_page_with_cooperation_figures_has_the_date_control(org: Any, lab: JointLab) -> None:
    for page in pages(org, lab):
        html = client_for(None).get(f"/en/{page}").content.decode()
        assert 'type="date"' in html and 'name="as_of"' in html, page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "ar", "es", "ru", "zh-hans"])
@pytest.mark.parametrize("bad", ["2023-02-30", "15/03/2023", "yesterday"])
def test_a_bad_date_is_a_clear_error_and_changes_nothing(org: Any, lab: JointLab, language: str, bad: str) -> None:
    for page in pages(org, lab):
        response = client_for(None).get(f"/{language}/{page}", {"as_of": bad})
        html = response.content.decode()
        assert response.status_code == 400, page
        assert 'class="error" role="alert"' in html and "2023-03-15" in html, page
        if language in ERRORS:
            assert ERRORS[language] in html, page
        today = client_for(None).get(f"/{language}/{page}").content.decode()
        if "organisations" in page or "countries" in page:  # the statuses stay today's
            assert "Crop Lab</a> — " in html and html.count("Crop Lab</a> — ") == today.count("Crop Lab</a> — ")


@pytest.mark.django_db
def test_a_date_changes_the_statuses_on_the_organisation_and_country_pages(org: Any, lab: JointLab) -> None:
    for url in (f"/en/organisations/{org.pk}/", "/en/countries/KE/"):
        assert "Crop Lab</a> — Ended" in client_for(None).get(url).content.decode()
        response = client_for(None).get(url, {"as_of": "2020-01-01"})
        assert response.status_code == 200 and "Crop Lab</a> — Active" in response.content.decode()
        assert 'value="2020-01-01"' in response.content.decode()


@pytest.mark.django_db
def test_a_csv_with_a_bad_date_is_not_served(org: Any, lab: JointLab) -> None:
    for url in ("/en/indicators/labs-by-country/", "/en/indicators/gaps/"):
        response = client_for(None).get(url, {"as_of": "2023-02-30", "format": "csv"})
        assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
