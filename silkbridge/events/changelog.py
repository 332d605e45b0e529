"""What changed between two published programmes, and how to say it in the reader's
language. Changes are stored language-neutral (ids, titles by language, UTC times, rooms,
speaker names) and described when read, so each reader gets their language."""

from datetime import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from silkbridge.core.translation import pick
from silkbridge.events.models import Event


def _names(session: dict[str, Any]) -> list[str]:
    return [name for _pk, name in session["speakers"]]


def _base(kind: str, session: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "session": session["id"], "titles": session["titles"], "room": session["room"],
            "starts_at": session["starts_at"], "ends_at": session["ends_at"]}  # fmt: skip


def changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes from programme `old` to `new` (snapshots): sessions added, moved (start
    or end), in another room, with other speakers, renamed, then those cancelled."""
    before = {s["id"]: s for s in old}
    after_ids = {s["id"] for s in new}
    out: list[dict[str, Any]] = []
    for session in new:
        previous = before.get(session["id"])
        if previous is None:
            out.append(_base("added", session))
            continue
        if (previous["starts_at"], previous["ends_at"]) != (session["starts_at"], session["ends_at"]):
            out.append({**_base("moved", session), "from": [previous["starts_at"], previous["ends_at"]]})
        if previous["room"] != session["room"]:
            out.append({**_base("room", session), "from": previous["room"]})
        if _names(previous) != _names(session):
            out.append({**_base("speakers", session), "from": _names(previous), "to": _names(session)})
        if previous["titles"] != session["titles"]:
            out.append({**_base("retitled", session), "from": previous["titles"]})
    out.extend(_base("cancelled", s) for s in old if s["id"] not in after_ids)
    return out


def _local(value: str, event: Event) -> datetime:
    return datetime.fromisoformat(value).astimezone(event.zone)


def _at(start: datetime, end: datetime, *, day: bool) -> str:
    times = f"{date_format(start, 'H:i')}–{date_format(end, 'H:i')}"
    return f"{date_format(start, 'D j M')}, {times}" if day else times


def describe(change: dict[str, Any], event: Event) -> str:
    """One change as a sentence in the active language, times in the event's time zone."""
    fallback = event.fallback_language
    title = pick(change["titles"], fallback=fallback)
    start, end = _local(change["starts_at"], event), _local(change["ends_at"], event)
    kind, values = change["kind"], {"title": title, "room": change["room"], "when": _at(start, end, day=True)}
    if kind == "added":
        return _("“%(title)s” was added: %(when)s, room %(room)s.") % values
    if kind == "cancelled":
        return _("“%(title)s” (%(when)s) was cancelled.") % values
    if kind == "moved":
        old_start, old_end = _local(change["from"][0], event), _local(change["from"][1], event)
        same_day = old_start.date() == start.date()
        if same_day and old_start == start:
            return _("“%(title)s” now ends at %(new)s instead of %(old)s.") % {
                "title": title, "new": date_format(end, "H:i"), "old": date_format(old_end, "H:i")}  # fmt: skip
        old_at = date_format(old_start, "H:i") if same_day else _at(old_start, old_end, day=True)
        new_at = date_format(start, "H:i") if same_day else _at(start, end, day=True)
        moved = {"title": title, "old": old_at, "new": new_at}
        return _("“%(title)s” moved from %(old)s to %(new)s.") % moved
    if kind == "room":
        return _("“%(title)s” moved from room %(old)s to room %(room)s.") % {**values, "old": change["from"]}
    if kind == "speakers":
        nobody = _("no speaker")
        speakers = {
            "title": title,
            "new": ", ".join(change["to"]) or nobody,
            "old": ", ".join(change["from"]) or nobody,
        }
        return _("The speakers of “%(title)s” changed: %(new)s (before: %(old)s).") % speakers
    return _("“%(old)s” is now called “%(title)s”.") % {"title": title, "old": pick(change["from"], fallback=fallback)}
