"""The programme: sessions with a room, a time and speakers. A clash (a room taken twice, a
speaker in two places, a speaker with a meeting at that time) blocks saving."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from silkbridge.core import audit
from silkbridge.events.domain.base import locked_event
from silkbridge.events.models import Meeting, Registration, Session


class ProgrammeClash(ValueError):
    """A session that clashes with another one or with a meeting; the message says which."""


def _check_clashes(session: Session, speakers: list[Registration]) -> None:
    overlapping = (
        Session.objects.filter(event_id=session.event_id, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
        .exclude(pk=session.pk)
        .prefetch_related("speakers")
    )
    for other in overlapping:
        if other.room.casefold() == session.room.casefold():
            raise ProgrammeClash(_("The room %(room)s is taken by “%(other)s” at that time.")
                                 % {"room": session.room, "other": other.title})  # fmt: skip
        both = {s.pk for s in other.speakers.all()} & {s.pk for s in speakers}
        if both:
            name = next(s.name for s in speakers if s.pk in both)
            raise ProgrammeClash(_("%(name)s speaks in “%(other)s” at that time.")
                                 % {"name": name, "other": other.title})  # fmt: skip
    for speaker in speakers:
        meetings = Meeting.objects.filter(Q(request__requester=speaker) | Q(request__recipient=speaker))
        if meetings.filter(slot__starts_at__lt=session.ends_at, slot__ends_at__gt=session.starts_at).exists():
            raise ProgrammeClash(_("%(name)s has a meeting at that time.") % {"name": speaker.name})


def save_session(session: Session, *, data: dict[str, Any], speakers: list[Registration], actor: Any) -> Session:
    """Create or update a session; raises ProgrammeClash (nothing saved) on a clash. Checked
    under the event's lock, as meetings are, so a meeting and a talk cannot be booked at once."""
    with transaction.atomic():
        locked_event(session.event)
        created = session.pk is None
        for key, value in data.items():
            setattr(session, key, value)
        if session.ends_at <= session.starts_at:
            raise ProgrammeClash(_("The session ends before it starts."))
        _check_clashes(session, speakers)
        session.save()
        session.speakers.set(speakers)
        audit.record(actor=actor, action="create" if created else "update", obj=session,
                     changes={"room": session.room, "starts_at": session.starts_at.isoformat()})  # fmt: skip
    return session


def delete_session(session: Session, *, actor: Any) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action="delete", obj=session, changes={"title": [session.title, None]})
        session.delete()


def overlaps(start: datetime, end: datetime, talks: list[tuple[datetime, datetime]]) -> bool:
    return any(a < end and start < b for a, b in talks)
