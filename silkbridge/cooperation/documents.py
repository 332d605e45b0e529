"""Cooperation records (agreements, joint laboratories, demonstration centres, projects) as
documents of the matching engine, and the partnerships behind partner suggestions,
registered with it in ``CooperationConfig.ready()``."""

from collections.abc import Callable, Collection, Iterator
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from silkbridge.cooperation.models import (
    Agreement,
    AgreementParty,
    CooperationRecord,
    DemonstrationCentre,
    JointLab,
    Partnership,
    Project,
)
from silkbridge.matching.engine import Document
from silkbridge.matching.sources import Source

# Records are read in chunks of this many, their partners with their organisations in one
# joined query: SQLite refuses a query whose IN list (the organisations of a few thousand
# partnerships) nests deeper than its expression limit of 1,000.
CHUNK = 500


def partner_countries(record: Any) -> list[str]:
    """Countries of a lab's, centre's or project's partners (from prefetched ``partners__organisation``)."""
    return sorted({p.organisation.country_id for p in record.partners.all() if p.organisation.country_id})


project_countries = partner_countries


def agreement_countries(agreement: Agreement) -> list[str]:
    """Countries that are parties, or whose organisations are (prefetched ``parties__organisation``)."""
    codes = {p.country_id or (p.organisation.country_id if p.organisation else None) for p in agreement.parties.all()}
    return sorted(c for c in codes if c)


def centre_countries(centre: DemonstrationCentre) -> list[str]:
    return sorted({centre.host_country_id, *partner_countries(centre)})


def _fields(record: CooperationRecord) -> list[str]:
    return [f.code for f in record.fields.all()]


def _other_names(names: dict[str, str], title: str) -> list[str]:
    return [n for n in dict.fromkeys(names.values()) if n and n != title]


def project_document(project: Project) -> Document:
    return Document(
        key=f"project:{project.pk}",
        title=project.title,
        text=project.abstract,
        codes=[k for k in [project.funding_programme, project.external_id or ""] if k],
        fields=_fields(project),
        countries=project_countries(project),
    )


def agreement_document(agreement: Agreement) -> Document:
    title = agreement.title
    return Document(
        key=f"agreement:{agreement.pk}",
        title=title,
        names=_other_names(agreement.titles, title),
        text=" ".join(s for s in dict.fromkeys(agreement.summaries.values()) if s),
        codes=[agreement.external_id] if agreement.external_id else [],
        fields=_fields(agreement),
        countries=agreement_countries(agreement),
    )


def lab_document(lab: JointLab) -> Document:
    title = str(lab)
    return Document(
        key=f"lab:{lab.pk}",
        title=title,
        names=_other_names(lab.names, title),
        text=lab.description,
        codes=[lab.external_id] if lab.external_id else [],
        fields=_fields(lab),
        countries=partner_countries(lab),
    )


def centre_document(centre: DemonstrationCentre) -> Document:
    title = str(centre)
    return Document(
        key=f"centre:{centre.pk}",
        title=title,
        names=_other_names(centre.names, title),
        text=". ".join(part for part in [centre.site, centre.technologies] if part),
        codes=[centre.external_id] if centre.external_id else [],
        fields=_fields(centre),
        countries=centre_countries(centre),
    )


def _chunked(
    queryset: QuerySet[Any], document: Callable[[Any], Document], ids: Collection[int] | None
) -> Iterator[Document]:
    """Every record's document (or those of ``ids``) in primary-key order, read ``CHUNK``
    records at a time."""
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not batch:
            return
        yield from (document(record) for record in batch)
        last = batch[-1].pk


PARTNERS = ("fields", Prefetch("partners", queryset=Partnership.objects.select_related("organisation")))


def _projects(ids: Collection[int] | None = None) -> Iterator[Document]:
    return _chunked(Project.objects.prefetch_related(*PARTNERS), project_document, ids)


def _agreements(ids: Collection[int] | None = None) -> Iterator[Document]:
    parties = Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation"))
    return _chunked(Agreement.objects.prefetch_related("fields", parties), agreement_document, ids)


def _labs(ids: Collection[int] | None = None) -> Iterator[Document]:
    return _chunked(JointLab.objects.prefetch_related(*PARTNERS), lab_document, ids)


def _centres(ids: Collection[int] | None = None) -> Iterator[Document]:
    return _chunked(DemonstrationCentre.objects.prefetch_related(*PARTNERS), centre_document, ids)


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

AGREEMENTS = Source(
    kind="agreement",
    label=_("Agreements"),
    documents=_agreements,
    visible=lambda user: Agreement.objects.prefetch_related("parties__organisation"),
    countries=agreement_countries,
    models=(Agreement, AgreementParty),
    m2m=(Agreement.fields,),
)

LABS = Source(
    kind="lab",
    label=_("Joint laboratories"),
    documents=_labs,
    visible=lambda user: JointLab.objects.prefetch_related("partners__organisation"),
    countries=partner_countries,
    models=(JointLab, Partnership),
    m2m=(JointLab.fields,),
)

CENTRES = Source(
    kind="centre",
    label=_("Demonstration centres"),
    documents=_centres,
    visible=lambda user: DemonstrationCentre.objects.prefetch_related("partners__organisation"),
    countries=centre_countries,
    models=(DemonstrationCentre, Partnership),
    m2m=(DemonstrationCentre.fields,),
)

SOURCES = [AGREEMENTS, LABS, CENTRES, PROJECTS]
