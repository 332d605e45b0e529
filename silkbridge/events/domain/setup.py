"""An event and its set-up: categories, meeting slots and tables."""

from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from silkbridge.core import audit
from silkbridge.events.domain.base import locked_event
from silkbridge.events.models import (
    Event,
    Meeting,
    MeetingSlot,
    MeetingTable,
    Registration,
    RegistrationCategory,
)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --- Events and their B2B set-up --------------------------------------------------------------


class SetupError(ValueError):
    """A change to an event's set-up that would orphan meetings; the message says which."""


def save_event(
    event: Event,
    *,
    data: dict[str, Any],
    categories: dict[str, int | None],
    slots: list[tuple[datetime, datetime]],
    table_count: int,
    actor: Any,
) -> Event:
    """Create or update an event with its categories (code -> capacity; absent codes are
    not offered), meeting slots and number of tables. Slots and tables that hold meetings
    cannot be removed (SetupError, nothing saved). The creator becomes an organiser."""
    with transaction.atomic():
        created = event.pk is None
        if not created:
            locked_event(event)
        for key, value in data.items():
            setattr(event, key, value)
        event.save()
        if created and getattr(actor, "is_authenticated", False):
            event.organisers.add(actor)
        _sync_categories(event, categories)
        _sync_slots(event, slots)
        _sync_tables(event, table_count)
        changes = {"slots": len(slots), "tables": table_count, "categories": sorted(categories)}
        audit.record(actor=actor, action="create" if created else "update", obj=event, changes=changes)
    return event


def _sync_categories(event: Event, categories: dict[str, int | None]) -> None:
    for code, capacity in categories.items():
        RegistrationCategory.objects.update_or_create(event=event, category=code, defaults={"capacity": capacity})
    dropped = event.categories.exclude(category__in=list(categories))
    if Registration.objects.filter(category__in=dropped).exists():
        raise SetupError(_("A category that has registrations cannot be removed."))
    dropped.delete()


def _sync_slots(event: Event, slots: list[tuple[datetime, datetime]]) -> None:
    wanted = {(utc(a), utc(b)) for a, b in slots}
    existing = {(utc(s.starts_at), utc(s.ends_at)): s for s in event.slots.all()}
    gone = [s.pk for key, s in existing.items() if key not in wanted]
    if Meeting.objects.filter(slot_id__in=gone).exists():
        raise SetupError(_("A slot that holds meetings cannot be removed; cancel or move its meetings first."))
    MeetingSlot.objects.filter(pk__in=gone).delete()
    zone = event.zone
    MeetingSlot.objects.bulk_create(
        [
            MeetingSlot(event=event, label=f"{a.astimezone(zone):%Y-%m-%dT%H%M}", starts_at=a, ends_at=b)
            for a, b in sorted(wanted - set(existing))
        ]
    )


def _sync_tables(event: Event, count: int) -> None:
    tables = list(event.tables.order_by("position", "id"))
    extra = [t.pk for t in tables[count:]]
    if Meeting.objects.filter(table_id__in=extra).exists():
        raise SetupError(_("A table that holds meetings cannot be removed; cancel or move its meetings first."))
    MeetingTable.objects.filter(pk__in=extra).delete()
    names = {t.name for t in tables[:count]}
    new, n = [], 1
    for position in range(len(tables[:count]), count):
        while str(n) in names:
            n += 1
        names.add(str(n))
        new.append(MeetingTable(event=event, name=str(n), position=position))
    MeetingTable.objects.bulk_create(new)
