"""What every part of the domain shares: the row lock on an event, and the rule error."""

from silkbridge.events.models import Event

BATCH = 2000  # rows per bulk INSERT (SQLite's variable limit allows this for our widths)


class MeetingRuleError(ValueError):
    """A hand change to a meeting would break a validity rule; the message says which."""


def locked_event(event: Event) -> Event:
    """The event's row, locked until the transaction ends. Call inside transaction.atomic."""
    return Event.objects.select_for_update().get(pk=event.pk)
