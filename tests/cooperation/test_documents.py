from typing import Any

import pytest

from silkbridge.cooperation.documents import SOURCES
from silkbridge.cooperation.models import Agreement, AgreementParty, DemonstrationCentre, JointLab, Partnership, Project
from silkbridge.registry.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_every_project_is_read_when_thousands_of_organisations_take_part(reference: Any) -> None:
    """On SQLite, prefetching ``partners__organisation`` for CORDIS projects (several
    thousand organisations in one IN list) fails with "Expression tree is too large": the
    records are read in chunks, their partners joined to their organisations."""
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {i}", country_id="KE") for i in range(3000)
    )
    projects = Project.objects.bulk_create(Project(title=f"Project {i}") for i in range(600))
    Partnership.objects.bulk_create(
        Partnership(organisation=org, project=projects[i % 600]) for i, org in enumerate(orgs)
    )
    documents = list(next(s for s in SOURCES if s.kind == "project").documents())
    assert [d.key for d in documents] == [f"project:{p.pk}" for p in projects]
    assert all(d.countries == ["KE"] for d in documents)


def test_agreements_labs_and_centres_become_documents_with_their_countries(reference: Any) -> None:
    kenyan = OrganisationFactory(country_id="KE")
    agreement = Agreement.objects.create(
        kind="intergovernmental", titles={"en": "Water accord", "fr": "Accord sur l'eau"}, summaries={"en": "Rivers."}
    )
    AgreementParty.objects.create(agreement=agreement, country_id="CN")
    AgreementParty.objects.create(agreement=agreement, organisation=kenyan)
    lab = JointLab.objects.create(names={"en": "Joint Lab of Crops"}, description="Maize genetics.")
    Partnership.objects.create(organisation=kenyan, lab=lab)
    centre = DemonstrationCentre.objects.create(
        names={"en": "Rice Centre"}, host_country_id="LA", site="Vientiane", technologies="Hybrid rice"
    )
    documents = {d.key: d for s in SOURCES for d in s.documents()}
    assert documents[f"agreement:{agreement.pk}"].names == ["Accord sur l'eau"]
    assert documents[f"agreement:{agreement.pk}"].countries == ["CN", "KE"]
    assert documents[f"lab:{lab.pk}"].text == "Maize genetics." and documents[f"lab:{lab.pk}"].countries == ["KE"]
    assert documents[f"centre:{centre.pk}"].text == "Vientiane. Hybrid rice"
    assert documents[f"centre:{centre.pk}"].countries == ["LA"]
