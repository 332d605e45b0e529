"""Projects as documents of the matching engine, and the partnerships behind partner
suggestions, registered with it in ``CooperationConfig.ready()``."""

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext_lazy as _

from silkbridge.cooperation.models import Partnership, Project
from silkbridge.matching.engine import Document
from silkbridge.matching.sources import Source


def project_countries(project: Project) -> list[str]:
    """Countries of a project's partners (from prefetched ``partners__organisation``)."""
    return sorted({p.organisation.country_id for p in project.partners.all() if p.organisation.country_id})


def project_document(project: Project) -> Document:
    return Document(
        key=f"project:{project.pk}",
        title=project.title,
        text=project.abstract,
        codes=[k for k in [project.funding_programme, project.external_id or ""] if k],
        fields=[f.code for f in project.fields.all()],
        countries=project_countries(project),
    )


def _projects() -> Iterator[Document]:
    projects = Project.objects.prefetch_related("fields", "partners__organisation").order_by("pk")
    for project in projects.iterator(chunk_size=2000):
        yield project_document(project)


def collaboration_rows() -> Iterator[tuple[str, str, str, date | None]]:
    """(project, organisation, country, start) for every project partnership."""
    rows = Partnership.objects.filter(project__isnull=False).values_list(
        "project_id", "organisation_id", "organisation__country_id", "project__start_on"
    )
    for project, org, country, start in rows.iterator(chunk_size=5000):
        yield str(project), str(org), country or "", start


PROJECTS = Source(
    kind="project",
    label=_("Projects"),
    documents=_projects,
    visible=lambda user: Project.objects.prefetch_related("partners__organisation"),
    countries=project_countries,
    models=(Project, Partnership),
    m2m=(Project.fields,),
)
