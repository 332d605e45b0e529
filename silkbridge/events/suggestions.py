""" "People you should meet": the participants in an event's meeting directory whose
organisations the matching engine finds closest to the participant, each with the engine's
explanation.

- A participant whose account names a registry organisation: the organisations most like
  it (`similar` over the organisation kind: similarity of meaning, shared fields of
  science, shared countries).
- Any other participant: the organisations that best answer their own words, a search of
  the organisation index with what they offer and seek (the directory text) and their
  expert profile (keywords, fields of science, biography): words found, similarity of
  meaning, the closest passage.

The engine's organisation index is reused either way, so registrations add nothing to the
index and need no rebuild; directory participants whose accounts name no registry
organisation are not suggested (the index knows nothing of them)."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q

from silkbridge.events import queries
from silkbridge.events.models import MeetingRequest, Registration
from silkbridge.matching import domain as matching
from silkbridge.matching.engine import Reasons

# How many similar organisations to ask the engine for: enough to reach those of an
# 800-participant directory, few enough to load in one query.
CANDIDATES = 500
# A query built from a profile is cut here: the engine reads a question, not a CV.
PROFILE_CHARS = 600


@dataclass(frozen=True)
class PersonToMeet:
    registration: Registration
    score: float
    reasons: Reasons


def profile_text(me: Registration) -> str:
    """What a participant without a registry organisation is matched on: their directory
    text (what they offer and seek), then their expert profile's keywords, fields of
    science (in the reader's language) and biography; "" when they wrote none."""
    parts = [me.pitch]
    expert = getattr(me.user, "expert_profile", None) if me.user_id else None
    if expert is not None:
        parts += [", ".join(expert.keywords), ", ".join(f.name for f in expert.fields.all()), expert.bio]
    return " ".join(part.strip() for part in parts if part and part.strip())[:PROFILE_CHARS]


def _candidates(me: Registration, own: int | None) -> dict[int, list[Registration]]:
    """Directory participants by their accounts' organisation, leaving out `me`'s colleagues
    and everybody `me` already has a request with (either way)."""
    asked = MeetingRequest.objects.filter(Q(requester=me) | Q(recipient=me)).values_list("requester", "recipient")
    known = {pk for pair in asked for pk in pair}
    listed = queries.directory(me.event, me).filter(user__organisation__isnull=False).exclude(pk__in=known)
    if own is not None:
        listed = listed.exclude(user__organisation=own)
    by_organisation: dict[int, list[Registration]] = defaultdict(list)
    for registration in listed.annotate(org=F("user__organisation")):
        by_organisation[registration.org].append(registration)
    return by_organisation


def _ranked_organisations(me: Registration, own: int | None, user: Any, wanted: set[int]) -> list[Any]:
    """The engine's results (organisation, score, reasons) among `wanted`, best first."""
    if own is not None:
        return matching.similar_records(f"organisation:{own}", user=user, kinds=["organisation"], limit=CANDIDATES)
    text = profile_text(me)
    if not text:
        return []
    hits = matching.search(text, user=user, kinds=["organisation"], limit=CANDIDATES)
    return matching.load_results([h for h in hits if int(h.key.split(":")[1]) in wanted], user)


def people_to_meet(me: Registration, *, user: Any, limit: int = 10) -> list[PersonToMeet]:
    """Up to `limit` directory participants, best first, from `me`'s organisation or, without
    one, from `me`'s own profile text (`profile_text`); none when neither is known."""
    own = me.user.organisation_id if me.user_id and me.user else None
    by_organisation = _candidates(me, own)
    if not by_organisation:
        return []
    results = _ranked_organisations(me, own, user, set(by_organisation))
    people = [
        PersonToMeet(registration, result.score, result.reasons)
        for result in results
        for registration in by_organisation.get(result.obj.pk, [])
    ]
    return people[:limit]
