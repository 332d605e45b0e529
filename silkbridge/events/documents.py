"""Publicly listed events as documents of the matching engine, registered in
``EventsConfig.ready()``: their titles and descriptions in every language they were given
in, and their venue. Registrations, people and meetings never enter the index."""

from collections.abc import Collection, Iterator

from django.utils.translation import gettext_lazy as _

from silkbridge.events.models import Event
from silkbridge.matching.engine import Document
from silkbridge.matching.sources import Source


def event_document(event: Event) -> Document:
    title = event.title
    return Document(
        key=f"event:{event.pk}",
        title=title,
        names=[t for t in dict.fromkeys(event.titles.values()) if t and t != title],
        text=" ".join([event.venue, *dict.fromkeys(d for d in event.descriptions.values() if d)]).strip(),
    )


def _events(ids: Collection[int] | None = None) -> Iterator[Document]:
    events = Event.objects.filter(is_public=True)
    if ids is not None:
        events = events.filter(pk__in=ids)
    for event in events.order_by("pk").iterator(chunk_size=500):
        yield event_document(event)


EVENTS = Source(
    kind="event",
    label=_("Events"),
    documents=_events,
    visible=lambda user: Event.objects.filter(is_public=True),
    countries=lambda event: [],
    models=(Event,),
)
