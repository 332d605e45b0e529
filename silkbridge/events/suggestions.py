""" "People you should meet": the participants in an event's meeting directory whose
organisations the matching engine finds most like the participant's own, each with the
engine's explanation (similarity of meaning, shared fields of science, shared countries).

The engine's organisation index is reused (`similar` over the organisation kind), so
registrations add nothing to the index and need no rebuild; a participant whose account
names no registry organisation, or who meets someone with none, gets no suggestion about it."""

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


@dataclass(frozen=True)
class PersonToMeet:
    registration: Registration
    score: float
    reasons: Reasons


def people_to_meet(me: Registration, *, user: Any, limit: int = 10) -> list[PersonToMeet]:
    """Up to `limit` directory participants, best first; colleagues of the same organisation
    and people `me` already has a request with (either way) are left out."""
    own = me.user.organisation_id if me.user_id and me.user else None
    if own is None:
        return []
    asked = MeetingRequest.objects.filter(Q(requester=me) | Q(recipient=me)).values_list("requester", "recipient")
    known = {pk for pair in asked for pk in pair}
    by_organisation: dict[int, list[Registration]] = defaultdict(list)
    listed = queries.directory(me.event, me).filter(user__organisation__isnull=False).exclude(pk__in=known)
    rows = listed.exclude(user__organisation=own).annotate(org=F("user__organisation"))
    for registration in rows:
        by_organisation[registration.org].append(registration)
    if not by_organisation:
        return []
    results = matching.similar_records(f"organisation:{own}", user=user, kinds=["organisation"], limit=CANDIDATES)
    people = [
        PersonToMeet(registration, result.score, result.reasons)
        for result in results
        for registration in by_organisation.get(result.obj.pk, [])
    ]
    return people[:limit]
