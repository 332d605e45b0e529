"""Search and recommendations for a user: the engine's hits, loaded through the same
access-checked querysets as the rest of the site, with their reasons, and counted for the
fair-exposure report."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, PositiveBigIntegerField, Q, Value, When
from django.utils import timezone

from silkbridge.accounts.models import Viewer
from silkbridge.matching import index, sources
from silkbridge.matching.engine import Hit, Reasons
from silkbridge.matching.models import Exposure

MAX_RESULTS = 100
# The engine keeps the hits above its relevance floor (``Hit.relevant``); of those, the site
# lists the ones that contain a query word (for Chinese or Japanese, a pair of characters) or
# a reading of one and, of the others, those whose meaning is within reach of the best (scores
# run from 0 for the weakest candidate to 1 for one that is best on both counts, 1.15 for a
# foreign query's best also by the words it was read as).
MIN_SCORE = 0.25


def _relevant(hits: list[Hit]) -> list[Hit]:
    return [h for h in hits if h.reasons.matched or h.reasons.translated or h.score >= MIN_SCORE]


@dataclass
class Result:
    kind: str
    obj: Any
    score: float
    reasons: Reasons

    @property
    def country_codes(self) -> list[str]:
        return sources.source(self.kind).countries(self.obj)


def load_results(hits: list[Hit], user: Viewer) -> list[Result]:
    """Objects for the hits, in rank order; a hit the user may not see (or that was deleted
    since the index was built) is dropped."""
    wanted: dict[str, list[int]] = {}
    for hit in hits:
        kind, pk = hit.key.split(":")
        wanted.setdefault(kind, []).append(int(pk))
    objects = {kind: sources.source(kind).visible(user).in_bulk(pks) for kind, pks in wanted.items()}
    results = []
    for hit in hits:
        kind, pk = hit.key.split(":")
        obj = objects[kind].get(int(pk))
        if obj is not None:
            results.append(Result(kind, obj, hit.score, hit.reasons))
    return results


def search(query: str, *, user: Viewer, kinds: list[str] | None = None, limit: int = MAX_RESULTS) -> list[Hit]:
    """Up to ``limit`` hits for a free-text query, best first, among the records this
    user may see; the caller loads (``load_results``) only the ones it shows."""
    engine = index.current().engine
    return _relevant(engine.search(query, limit, kinds=kinds, audiences=sources.audiences_for(user), floor=True))


# What each piece of evidence adds to a similar organisation's score, on top of the
# similarity of the descriptions (a cosine, counted only where it stands out): a shared
# field or partner counts as much as a tenth of similarity, at most three of each.
EVIDENCE_WEIGHT = 0.1
SIMILAR_CANDIDATES = 50


def similar_organisations(org: Any, *, user: Viewer, limit: int = 5) -> list[Result]:
    """Organisations that do what this one does, each with its own evidence: a description
    whose meaning stands out as close, shared fields of science, shared partners (a similar
    name alone is none); the same kind is added as a reason to those. Best score first; empty
    when none has evidence."""
    loaded = index.current()
    hits = loaded.engine.similar(f"organisation:{org.pk}", SIMILAR_CANDIDATES, kinds=["organisation"])
    partners = set(loaded.graph.partners(str(org.pk))) if str(org.pk) in loaded.graph else set()
    for hit in hits:
        pk = hit.key.split(":")[1]
        shared = partners & set(loaded.graph.partners(pk)) if pk in loaded.graph else set()
        hit.reasons.partners = sorted(shared, key=int)
        evidence = min(len(hit.reasons.fields), 3) + min(len(shared), 3)
        hit.score = hit.reasons.semantic + EVIDENCE_WEIGHT * evidence
    with_evidence = [h for h in hits if h.reasons.semantic or h.reasons.fields or h.reasons.partners]
    with_evidence.sort(key=lambda h: (-h.score, h.key))
    results = load_results(with_evidence, user)[:limit]
    names = sources.source("organisation").visible(user).in_bulk([int(p) for r in results for p in r.reasons.partners])
    for result in results:
        result.reasons.partners = [str(names[int(p)]) for p in result.reasons.partners if int(p) in names]
        # "other" (the registry's default type) says nothing
        result.reasons.same_kind = org.kind not in ("", "other") and getattr(result.obj, "kind", None) == org.kind
    return results


def similar_records(key: str, *, user: Any, kinds: list[str], limit: int = 5) -> list[Result]:
    """Records of ``kinds`` like the indexed record ``key`` ("offer:12"), with their reasons,
    among those the user may see; none when ``key`` is not in the index."""
    engine = index.current().engine
    hits = engine.similar(key, limit, kinds=kinds, audiences=sources.audiences_for(user))
    return load_results(_relevant(hits), user)


@dataclass
class Suggestion:
    organisation: Any
    score: float
    shared_partners: list[Any]
    country: str  # ISO code of the country most of the current partners are in, or ""
    country_share: float
    fields: list[str] = field(default_factory=list)  # codes of the fields of science both have


def potential_partners(org: Any, *, user: Viewer, limit: int = 5) -> list[Suggestion]:
    """Organisations this one has not worked with yet, from the collaboration history, each
    with its own evidence: the partners they have in common (a suggestion without any, made
    from longer paths or the country alone, is not shown) and the fields of science they
    share. Best score first."""
    graph = index.current().graph
    recommendations = [r for r in graph.recommend(str(org.pk), 3 * limit) if r.shared_partners][:limit]
    ids = {int(r.partner) for r in recommendations} | {int(z) for r in recommendations for z in r.shared_partners}
    orgs = sources.source("organisation").visible(user).prefetch_related("fields").in_bulk(ids)
    own_fields = {f.code for f in org.fields.all()}
    return [
        Suggestion(
            orgs[int(r.partner)],
            r.score,
            [orgs[int(z)] for z in r.shared_partners if int(z) in orgs],
            r.country or "",
            r.country_share,
            sorted(own_fields & {f.code for f in orgs[int(r.partner)].fields.all()}),
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
