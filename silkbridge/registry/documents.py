"""Organisations and experts as documents of the matching engine, registered with it in
``RegistryConfig.ready()``."""

from collections.abc import Collection, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from silkbridge.accounts.models import Viewer
from silkbridge.matching.engine import Document
from silkbridge.matching.sources import Source
from silkbridge.registry.models import Expert, Organisation
from silkbridge.registry.queries import visible_experts
from silkbridge.registry.rules import expert_audiences


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


def _organisations(ids: Collection[int] | None = None) -> Iterator[Document]:
    organisations = Organisation.objects.all() if ids is None else Organisation.objects.filter(pk__in=ids)
    for org in organisations.prefetch_related("fields").order_by("pk").iterator(chunk_size=2000):
        yield organisation_document(org)


def _experts(ids: Collection[int] | None = None) -> Iterator[Document]:
    experts = Expert.objects.all() if ids is None else Expert.objects.filter(pk__in=ids)
    for expert in experts.prefetch_related("fields").order_by("pk").iterator(chunk_size=2000):
        yield expert_document(expert)


def _visible_organisations(user: Viewer) -> QuerySet[Organisation]:
    return Organisation.objects.select_related("country")


def _country(record: Any) -> list[str]:
    return [record.country_id] if record.country_id else []


SOURCES = [
    Source(
        kind="organisation",
        label=_("Organisations"),
        documents=_organisations,
        visible=_visible_organisations,
        countries=_country,
        models=(Organisation,),
        m2m=(Organisation.fields,),
    ),
    Source(
        kind="expert",
        label=_("Experts"),
        documents=_experts,
        visible=lambda user: visible_experts(user).select_related("country"),
        countries=_country,
        models=(Expert,),
        m2m=(Expert.fields,),
        audiences=expert_audiences,
    ),
]
