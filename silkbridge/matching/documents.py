"""Registry and cooperation records as engine documents (the Django edge of the engine)."""

from collections.abc import Iterator
from datetime import date

from silkbridge.cooperation.models import Partnership, Project
from silkbridge.matching.engine import Document
from silkbridge.registry.models import Expert, Organisation

KINDS = ("organisation", "expert", "project")


def organisation_document(org: Organisation) -> Document:
    names = [*org.names.values(), *org.aliases, *org.acronyms]
    return Document(
        key=f"organisation:{org.pk}",
        title=org.name,
        names=[n for n in dict.fromkeys(names) if n and n != org.name],
        text=f"{org.city}. {org.description}" if org.city and org.description else org.city or org.description,
        fields=[f.code for f in org.fields.all()],
        countries=[org.country_id] if org.country_id else [],
    )


def expert_document(expert: Expert) -> Document:
    return Document(
        key=f"expert:{expert.pk}",
        title=expert.name,
        text=expert.bio,
        keywords=list(expert.keywords),
        fields=[f.code for f in expert.fields.all()],
        countries=[expert.country_id] if expert.country_id else [],
        audience=expert.visibility,
    )


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


def all_documents() -> Iterator[Document]:
    """Every searchable record, in a stable order (so unchanged texts keep their vectors)."""
    for org in Organisation.objects.prefetch_related("fields").order_by("pk").iterator(chunk_size=2000):
        yield organisation_document(org)
    for expert in Expert.objects.prefetch_related("fields").order_by("pk").iterator(chunk_size=2000):
        yield expert_document(expert)
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
