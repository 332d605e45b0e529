"""What the engine indexes, registered by the apps that own it.

Each domain app registers, in its ``AppConfig.ready()``, a ``Source`` per searchable record
kind (how to turn its records into documents, which of them a user may see, their countries)
and, where it has one, the collaboration history behind partner suggestions. Registering
also has their models' changes refresh the index (``signals``). So matching imports no
domain app, and a new app (events, marketplace) adds its kinds the same way.
"""

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.utils.functional import Promise

from silkbridge.accounts.models import Viewer
from silkbridge.matching.engine import Document


@dataclass(frozen=True)
class Source:
    kind: str  # the document key's prefix: "organisation" in "organisation:42"
    label: str | Promise  # plural, for the search page's filter ("Organisations")
    # every record in a stable order, or those of the given ids that are still indexable
    documents: Callable[[Collection[int] | None], Iterator[Document]]
    visible: Callable[[Viewer], QuerySet[Any]]  # the records this user may see
    countries: Callable[[Any], list[str]]  # a loaded record -> its ISO country codes
    models: tuple[type[Model], ...] = ()  # saves and deletes of these refresh the index
    m2m: tuple[Any, ...] = ()  # many-to-many relations (``Model.fields``) that do too
    # user -> the document audiences (``Document.audience``) this user may find; every
    # document of a kind without audiences is public
    audiences: Callable[[Viewer], set[str]] = lambda user: {"public"}

    def record_ids(self, instance: Model, model: type[Model] | None = None, pks: Collection[Any] = ()) -> list[int]:
        """The ids of this kind's records whose documents a change of ``instance`` (one of
        ``models``, or a many-to-many change: ``model`` and ``pks`` from the other side) alters:
        the record itself, or those it points to (a partnership's project)."""
        if not self.models:
            return []
        record = self.models[0]
        if isinstance(instance, record):
            return [instance.pk]
        if model is record:  # the other side of a many-to-many relation changed
            return list(pks)
        return [
            value
            for f in instance._meta.concrete_fields
            if f.is_relation and f.related_model is record and (value := getattr(instance, f.attname)) is not None
        ]


# Sent with ``models`` and ``m2m`` when a registration names models whose changes matter.
registered = Signal()

# (project, organisation, country, start) rows of who worked with whom
Collaboration = Callable[[], Iterable[tuple[str, str, str, date | None]]]


@dataclass
class _Registry:
    sources: dict[str, Source] = field(default_factory=dict)
    collaboration: list[Collaboration] = field(default_factory=list)
    collaboration_models: set[type[Model]] = field(default_factory=set)
    watched: list[tuple[tuple[type[Model], ...], tuple[Any, ...]]] = field(default_factory=list)


_registry = _Registry()


def _watch(models: tuple[type[Model], ...], m2m: tuple[Any, ...]) -> None:
    _registry.watched.append((models, m2m))
    registered.send(sender=Source, models=models, m2m=m2m)


def register(source: Source) -> None:
    _registry.sources[source.kind] = source
    _watch(source.models, source.m2m)


def register_collaboration(rows: Collaboration, *, models: tuple[type[Model], ...] = ()) -> None:
    _registry.collaboration.append(rows)
    _registry.collaboration_models.update(models)
    _watch(models, ())


def watched() -> list[tuple[tuple[type[Model], ...], tuple[Any, ...]]]:
    """The models (and many-to-many relations) registered so far."""
    return list(_registry.watched)


def sources() -> dict[str, Source]:
    return _registry.sources


def source(kind: str) -> Source:
    return _registry.sources[kind]


def audiences_for(user: Viewer) -> set[str]:
    """Every audience the user may find, over all kinds."""
    return {"public"}.union(*(s.audiences(user) for s in _registry.sources.values()))


def all_documents() -> Iterator[Document]:
    """Every searchable record of every registered kind."""
    for registered in _registry.sources.values():
        yield from registered.documents(None)


def documents_for(keys: Iterable[str]) -> Iterator[Document]:
    """The current documents of the records ``keys`` ("organisation:42") that are still
    indexable (none for one deleted or no longer public)."""
    wanted: dict[str, list[int]] = {}
    for key in keys:
        kind, _, pk = key.partition(":")
        if kind in _registry.sources and pk.isdigit():
            wanted.setdefault(kind, []).append(int(pk))
    for kind, ids in wanted.items():
        yield from _registry.sources[kind].documents(ids)


def changed_keys(instance: Model, model: type[Model] | None = None, pks: Collection[Any] = ()) -> list[str]:
    """The keys of the documents a change of ``instance`` alters, over every kind."""
    return [
        f"{registered.kind}:{pk}"
        for registered in _registry.sources.values()
        if type(instance) in registered.models or model in registered.models
        for pk in registered.record_ids(instance, model, pks)
    ]


def changes_collaboration(instance: Model) -> bool:
    """Whether a change of ``instance`` alters who worked with whom."""
    return type(instance) in _registry.collaboration_models


def collaboration_rows() -> Iterator[tuple[str, str, str, date | None]]:
    for rows in _registry.collaboration:
        yield from rows()
