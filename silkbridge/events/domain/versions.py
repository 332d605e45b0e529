"""The programme published as numbered versions with a changelog, and participants'
bookmarks on published sessions (told by e-mail when a new version changes one).

Organisers edit the draft (the Session rows); `publish_programme` takes a snapshot of it as
version N and computes what changed since version N-1. The public programme, its `.ics`
and the API read the latest snapshot only, never the draft."""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from silkbridge.core import audit
from silkbridge.events import changelog
from silkbridge.events.domain.base import locked_event
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.models import Event, ProgrammeVersion, Registration, SessionBookmark


class ProgrammeError(ValueError):
    """A programme that cannot be published or a session that cannot be bookmarked."""


def programme_snapshot(event: Event) -> list[dict[str, Any]]:
    """The draft programme as a version stores it (times in UTC, ISO)."""
    sessions = event.sessions.prefetch_related("speakers").order_by("starts_at", "room", "id")
    return [
        {"id": s.pk, "titles": s.titles, "room": s.room, "starts_at": s.starts_at.isoformat(),
         "ends_at": s.ends_at.isoformat(), "track": s.track, "language": s.language,
         "speakers": [[r.pk, r.name] for r in sorted(s.speakers.all(), key=lambda r: (r.name, r.pk))]}
        for s in sessions
    ]  # fmt: skip


def latest_version(event: Event) -> ProgrammeVersion | None:
    return event.programme_versions.order_by("-number").first()


def pending_changes(event: Event) -> list[dict[str, Any]]:
    """What publishing now would change (for the organiser's draft page)."""
    previous = latest_version(event)
    return changelog.changes(previous.sessions if previous else [], programme_snapshot(event))


def publish_programme(event: Event, *, actor: Any) -> ProgrammeVersion:
    """Publish the draft as the next version, with its changes since the previous one, and
    (after commit, as a background task) e-mail the bookmarkers of changed sessions.
    Refused when nothing changed, or when a first version would be empty."""
    with transaction.atomic():
        event = locked_event(event)  # two organisers publishing at once get N and N+1
        previous = latest_version(event)
        snapshot = programme_snapshot(event)
        changes = changelog.changes(previous.sessions, snapshot) if previous else []
        if previous is None and not snapshot:
            raise ProgrammeError(_("The programme has no session yet."))
        if previous is not None and not changes:
            raise ProgrammeError(_("Nothing changed since version %(number)s.") % {"number": previous.number})
        version = ProgrammeVersion.objects.create(
            event=event, number=previous.number + 1 if previous else 1, sessions=snapshot, changes=changes,
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        audit.record(actor=actor, action="publish", obj=version, changes={"changes": len(changes)})
        if changes:
            # Imported late: tasks import the domain. The task runs after commit, outside
            # the request with a worker (SILKBRIDGE_TASKS=database).
            from silkbridge.events.tasks import notify_programme_change

            transaction.on_commit(lambda: notify_programme_change.enqueue(version.pk))
    return version


def set_bookmark(registration: Registration, *, session_key: int, on: bool) -> bool:
    """Bookmark (or un-bookmark) a session of the published programme; returns the new state."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ProgrammeError(_("Only confirmed participants bookmark sessions."))
    version = latest_version(registration.event)
    if on and (version is None or all(s["id"] != session_key for s in version.sessions)):
        raise ProgrammeError(_("This session is not in the published programme."))
    if on:
        SessionBookmark.objects.get_or_create(registration=registration, session_key=session_key)
    else:
        SessionBookmark.objects.filter(registration=registration, session_key=session_key).delete()
    return on


def notify_bookmarkers(version: ProgrammeVersion) -> int:
    """E-mail each bookmarker of a session that `version` changed, once, in the language they
    registered in, listing their changed sessions; then drop the bookmarks of cancelled
    sessions. Returns the number of e-mails sent."""
    event = version.event
    by_session = defaultdict(list)
    for change in version.changes:
        if change["kind"] != "added":
            by_session[change["session"]].append(change)
    bookmarks = (
        SessionBookmark.objects.filter(session_key__in=by_session, registration__event=event)
        .exclude(registration__status=RegistrationStatus.CANCELLED)
        .select_related("registration__user")
        .order_by("registration_id", "session_key")
    )
    per_person: dict[Registration, list[dict[str, Any]]] = defaultdict(list)
    for bookmark in bookmarks:
        per_person[bookmark.registration].extend(by_session[bookmark.session_key])
    sent = sum(_mail_changes(event, version, registration, changes) for registration, changes in per_person.items())
    cancelled = [c["session"] for c in version.changes if c["kind"] == "cancelled"]
    SessionBookmark.objects.filter(registration__event=event, session_key__in=cancelled).delete()
    return sent


def _mail_changes(event: Event, version: ProgrammeVersion, registration: Registration,
                  changes: list[dict[str, Any]]) -> int:  # fmt: skip
    address = registration.user.email if registration.user else registration.email
    if not address:
        return 0
    with translation.override(registration.language):
        lines = "\n".join(f"- {changelog.describe(change, event)}" for change in changes)
        subject = _("The programme of %(event)s changed") % {"event": event.title}
        body = _("Dear %(name)s,\n\nversion %(number)s of the programme of %(event)s changes sessions you "
                 "bookmarked:\n\n%(changes)s\n\nThe programme: %(programme)s\nEvery change: %(changelog)s")  # fmt: skip
        body %= {"name": registration.name, "number": version.number, "event": event.title, "changes": lines,
                 "programme": settings.SITE_URL + reverse("events:programme", args=[event.slug]),
                 "changelog": settings.SITE_URL + reverse("events:programme_changes", args=[event.slug])}  # fmt: skip
    send_mail(subject, body, None, [address])
    return 1
