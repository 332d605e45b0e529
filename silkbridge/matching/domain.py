"""Search and recommendations for a user: the engine's hits, loaded through the same
access-checked querysets as the rest of the site, with their reasons, and counted for the
fair-exposure report."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, PositiveBigIntegerField, Q, Value, When
from django.utils import timezone

from silkbridge.cooperation.models import Project
from silkbridge.matching import index
from silkbridge.matching.documents import project_countries
from silkbridge.matching.engine import Hit, Reasons
from silkbridge.matching.models import Exposure
from silkbridge.registry.models import Country, Organisation
from silkbridge.registry.queries import visible_experts

MAX_RESULTS = 100
# The engine ranks every candidate; the site lists those that contain a query word (for
# Chinese or Japanese, a pair of characters) and, of the others, those whose meaning is
# within reach of the best (scores run from 0 for the weakest candidate to 1 for one that is
# best on both counts, 1.15 for a foreign query's best also by the words it was read as).
MIN_SCORE = 0.25


def _relevant(hits: list[Hit]) -> list[Hit]:
    return [h for h in hits if h.reasons.matched or h.score >= MIN_SCORE]


@dataclass
class Result:
    kind: str
    obj: Any
    score: float
    reasons: Reasons

    @property
    def country_codes(self) -> list[str]:
        if self.kind == "project":
            return project_countries(self.obj)
        return [self.obj.country_id] if self.obj.country_id else []


def audiences_for(user: Any) -> set[str]:
    if user.is_authenticated and user.is_staff:
        return {"public", "members", "hidden"}
    if user.is_authenticated and user.is_active:
        return {"public", "members"}
    return {"public"}


def _querysets(user: Any) -> dict[str, Any]:
    return {
        "organisation": Organisation.objects.select_related("country"),
        "expert": visible_experts(user).select_related("country"),
        "project": Project.objects.prefetch_related("partners__organisation"),
    }


def load_results(hits: list[Hit], user: Any) -> list[Result]:
    """Objects for the hits, in rank order; a hit the user may not see (or that was deleted
    since the index was built) is dropped."""
    wanted: dict[str, list[int]] = {}
    for hit in hits:
        kind, pk = hit.key.split(":")
        wanted.setdefault(kind, []).append(int(pk))
    querysets = _querysets(user)
    objects = {kind: querysets[kind].in_bulk(pks) for kind, pks in wanted.items()}
    results = []
    for hit in hits:
        kind, pk = hit.key.split(":")
        obj = objects[kind].get(int(pk))
        if obj is not None:
            results.append(Result(kind, obj, hit.score, hit.reasons))
    return results


def search(query: str, *, user: Any, kinds: list[str] | None = None) -> list[Hit]:
    """Up to MAX_RESULTS hits for a free-text query, best first, among the records this
    user may see; the caller loads (``load_results``) only the ones it shows."""
    engine = index.current().engine
    return _relevant(engine.search(query, MAX_RESULTS, kinds=kinds, audiences=audiences_for(user)))


def similar_organisations(org: Organisation, *, user: Any, limit: int = 5) -> list[Result]:
    engine = index.current().engine
    hits = engine.similar(f"organisation:{org.pk}", limit, kinds=["organisation"])
    return load_results(_relevant(hits), user)


@dataclass
class Suggestion:
    organisation: Organisation
    score: float
    shared_partners: list[Organisation]
    country: Country | None
    country_share: float


def potential_partners(org: Organisation, *, limit: int = 5) -> list[Suggestion]:
    """Organisations this one has not worked with yet, from the collaboration history."""
    graph = index.current().graph
    recommendations = graph.recommend(str(org.pk), limit)
    ids = {int(r.partner) for r in recommendations} | {int(z) for r in recommendations for z in r.shared_partners}
    orgs = Organisation.objects.select_related("country").in_bulk(ids)
    countries = Country.objects.in_bulk([r.country for r in recommendations if r.country])
    return [
        Suggestion(
            orgs[int(r.partner)],
            r.score,
            [orgs[int(z)] for z in r.shared_partners if int(z) in orgs],
            countries.get(r.country),
            r.country_share,
        )
        for r in recommendations
        if int(r.partner) in orgs
    ]


def record_exposure(results: list[Result]) -> None:
    """Count the shown results by kind and country: one row per day, kind and country,
    created if missing and incremented in place (two queries, safe under concurrency)."""
    counts = Counter((r.kind, code) for r in results for code in (r.country_codes or [""]))
    if not counts:
        return
    today = timezone.localdate()
    rows = [Exposure(day=today, kind=kind, country=country, appearances=0) for kind, country in counts]
    Exposure.objects.bulk_create(rows, ignore_conflicts=True)
    increments = [When(kind=kind, country=country, then=Value(n)) for (kind, country), n in counts.items()]
    matching = Q()
    for kind, country in counts:
        matching |= Q(kind=kind, country=country)
    Exposure.objects.filter(matching, day=today).update(
        appearances=F("appearances") + Case(*increments, default=Value(0), output_field=PositiveBigIntegerField())
    )
