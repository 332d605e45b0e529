"""Organisation identity in the site: the affiliation matcher over the registry, likely
duplicates, and merging with an undo. Writes record one audit entry each; a merge entry
holds everything needed to undo it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from silkbridge.accounts.models import Membership, User
from silkbridge.core import audit
from silkbridge.core.models import AuditEntry
from silkbridge.registry.affiliation import AffiliationMatcher, Match, key, normalise
from silkbridge.registry.affiliation import Organisation as Named
from silkbridge.registry.enums import OrganisationStatus
from silkbridge.registry.models import Expert, Organisation, OrganisationRedirect

_cache: dict[str, Any] = {}


def registry_matcher() -> AffiliationMatcher:
    """The matcher over all organisations, rebuilt when the registry has changed."""
    version = Organisation.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    if _cache.get("version") != version:
        rows = Organisation.objects.values_list(
            "pk", "name", "names", "aliases", "acronyms", "country_id", "city", "status", "kind"
        )
        named = [
            Named(
                str(pk), name, [*names.values(), *aliases], acronyms, country or "", city, status == "active", kind=kind
            )
            for pk, name, names, aliases, acronyms, country, city, status, kind in rows.iterator(chunk_size=5000)
        ]
        _cache.update(version=version, matcher=AffiliationMatcher(named))
    return _cache["matcher"]  # type: ignore[no-any-return]


def suggest_organisation(text: str, matcher: AffiliationMatcher | None = None) -> tuple[Organisation | None, Match]:
    """The matcher's organisation for ``text``; pass ``matcher`` to resolve many names
    without asking for the registry's version each time."""
    match = (matcher or registry_matcher()).match(text)
    org = Organisation.objects.filter(pk=int(match.id)).first() if match.id else None
    return org, match


# The matcher's evidence (plain English, no Django there) in the reader's language.
EVIDENCE = {
    "name": _("its name"),
    "name without its place": _("its name without the place"),
    "name in another language": _("its name in another language"),
    "name in another word order": _("its name in another word order"),
    "city agrees": _("the city agrees"),
    "country agrees": _("the country agrees"),
    "the largest of organisations with this name": _("the largest of the organisations with this name"),
}


def explain_match(reason: str) -> str:
    """A match's reason ("name; city agrees", "acronym CAU") in the current language."""
    parts = []
    for part in reason.split("; "):
        if part.startswith("acronym "):
            parts.append(gettext("its acronym %(acronym)s") % {"acronym": part.removeprefix("acronym ")})
        else:
            parts.append(str(EVIDENCE.get(part, part)))
    return pgettext("between reasons", "; ").join(parts)


@dataclass
class DuplicateGroup:
    name: str
    country: str | None
    organisations: list[Organisation]
    evidence: list[str]


DUPLICATE_EVIDENCE = {
    "same name": _("same name"),
    "a name in common": _("a name in common"),
    "same country": _("same country"),
    "same city": _("same city"),
    "same website": _("same website"),
}


def likely_duplicates() -> list[tuple[int, ...]]:
    """Groups of organisations (ids) in one country that share a name as the matcher reads
    names (case, accents, punctuation and abbreviations aside: "Univ. of Nairobi" is
    "University of Nairobi"), their main names or any other: same main name first, then
    same city, then larger groups. Organisations with different ROR ids and different websites
    are distinct (ROR curates its own duplicates away) unless one of them is withdrawn, so a
    group keeps only members that may be one (``_may_be_one``). Worked out from the cached
    matcher, once per registry version."""
    matcher = registry_matcher()
    if _cache.get("duplicates_of") is not matcher:
        groups: set[frozenset[int]] = set()
        for members in matcher.by_key.values():
            if len(members) < 2:
                continue
            by_country: dict[str, set[int]] = defaultdict(set)
            for i in members:
                by_country[matcher.orgs[i].country].add(i)
            groups.update(frozenset(g) for g in by_country.values() if len(g) > 1)
        groups = _split_distinct(groups, matcher)

        def strength(group: frozenset[int]) -> tuple[bool, bool, int, str]:
            names = {matcher.main_name[i] for i in group}
            cities = {matcher.city_tokens[i] for i in group}
            return len(names) > 1, len(cities) > 1 or not next(iter(cities)), -len(group), min(names)

        ranked = sorted(groups, key=strength)
        _cache.update(
            duplicates_of=matcher, duplicates=[tuple(sorted(int(matcher.orgs[i].id) for i in g)) for g in ranked]
        )
    return _cache["duplicates"]  # type: ignore[no-any-return]


def _site(website: str) -> str:
    return website.lower().split("//")[-1].strip("/").removeprefix("www.")


def _split_distinct(groups: set[frozenset[int]], matcher: AffiliationMatcher) -> set[frozenset[int]]:
    """Each group split into the parts whose members may be one organisation (connected by
    pairs that ``_may_be_one``); parts of one are dropped."""
    ids = {int(matcher.orgs[i].id): i for g in groups for i in g}
    rows = Organisation.objects.filter(pk__in=ids).values_list("pk", "ror_id", "website", "status")
    withdrawn = OrganisationStatus.WITHDRAWN
    identity = {ids[pk]: (ror or "", _site(site), status == withdrawn) for pk, ror, site, status in rows}
    result: set[frozenset[int]] = set()
    for group in groups:
        left = set(group)
        while left:
            part, todo = set(), [left.pop()]
            while todo:
                i = todo.pop()
                part.add(i)
                joined = {j for j in left if _may_be_one(identity.get(i), identity.get(j))}
                left -= joined
                todo.extend(joined)
            if len(part) > 1:
                result.add(frozenset(part))
    return result


def _may_be_one(a: tuple[str, str, bool] | None, b: tuple[str, str, bool] | None) -> bool:
    """False for two organisations with different ROR ids and different websites, neither withdrawn."""
    if a is None or b is None:
        return True
    (ror_a, site_a, withdrawn_a), (ror_b, site_b, withdrawn_b) = a, b
    distinct = ror_a and ror_b and ror_a != ror_b and site_a and site_b and site_a != site_b
    return bool(withdrawn_a or withdrawn_b or not distinct)


def duplicate_groups(groups: Iterable[tuple[int, ...]]) -> list[DuplicateGroup]:
    """The organisations of each group (one query for all), with the evidence (translated)
    that they are one; a group with fewer than two left (one was deleted since the list was
    made) is dropped."""
    groups = list(groups)
    orgs = Organisation.objects.select_related("country").in_bulk({pk for ids in groups for pk in ids})
    members = ([orgs[pk] for pk in sorted(ids) if pk in orgs] for ids in groups)
    return [_group(found) for found in members if len(found) > 1]


def _group(orgs: list[Organisation]) -> DuplicateGroup:
    same_name = len({key(normalise(o.name)) for o in orgs}) == 1
    evidence = [str(DUPLICATE_EVIDENCE["same name"]) if same_name else _shared_name(orgs)]
    sites = {_site(o.website) for o in orgs if o.website}
    for agrees, what in (
        (bool(orgs[0].country_id), "same country"),
        (len({o.city for o in orgs}) == 1 and bool(orgs[0].city), "same city"),
        (len(sites) == 1 and all(o.website for o in orgs), "same website"),
    ):
        if agrees:
            evidence.append(str(DUPLICATE_EVIDENCE[what]))
    country = orgs[0].country.name if orgs[0].country else None
    return DuplicateGroup(orgs[0].name, country, orgs, evidence)


def _shared_name(orgs: list[Organisation]) -> str:
    """Which name the organisations share, as the first of them writes it."""
    keys: dict[str, str] = {}
    for name in [orgs[0].name, *orgs[0].names.values(), *orgs[0].aliases]:
        keys.setdefault(key(normalise(name)), name)
    for other in orgs[1:]:
        for name in [other.name, *other.names.values(), *other.aliases]:
            if key(normalise(name)) in keys:
                return gettext("a name in common: “%(name)s”") % {"name": keys[key(normalise(name))]}
    return str(DUPLICATE_EVIDENCE["a name in common"])


def _merged_names(survivor: Organisation, merged: Organisation) -> list[str]:
    names = [merged.name, *merged.names.values(), *merged.aliases]
    known = {survivor.name, *survivor.names.values(), *survivor.aliases}
    return [n for n in dict.fromkeys(names) if n not in known]


@transaction.atomic
def merge_organisations(survivor: Organisation, merged: Organisation, *, actor: User | None) -> AuditEntry:
    """Move every reference from `merged` to `survivor`, keep its names as aliases and its
    ids as redirects, delete it, and record everything needed to undo the merge."""
    if survivor.pk == merged.pk:
        raise ValueError("An organisation cannot be merged into itself.")
    memberships = list(Membership.objects.filter(organisation=merged).values("user_id", "role"))
    users = [row["user_id"] for row in memberships]
    snapshot = {
        "merged": audit.snapshot(merged),
        "fields": list(merged.fields.values_list("code", flat=True)),
        "experts": list(merged.experts.values_list("pk", flat=True)),
        "memberships": memberships,
        "redirects": list(merged.redirects.values_list("old_id", flat=True)),
        "survivor_before": {"aliases": survivor.aliases, "acronyms": survivor.acronyms,
                            "former_ror_ids": survivor.former_ror_ids,
                            "fields": list(survivor.fields.values_list("code", flat=True)),
                            "experts": list(Expert.objects.filter(affiliations=survivor).filter(affiliations=merged)
                                            .values_list("pk", flat=True)),
                            "memberships": list(Membership.objects.filter(organisation=survivor, user_id__in=users)
                                                .values("user_id", "role"))},
    }  # fmt: skip
    snapshot["cooperation"] = _move_references(merged, survivor)
    snapshot["users"] = list(User.objects.filter(organisation=merged).values_list("pk", flat=True))
    User.objects.filter(pk__in=snapshot["users"]).update(organisation=survivor)
    for expert in Expert.objects.filter(affiliations=merged):
        expert.affiliations.add(survivor)
    for row in memberships:
        existing = Membership.objects.filter(user_id=row["user_id"], organisation=survivor).first()
        if existing is None:
            Membership.objects.create(user_id=row["user_id"], organisation=survivor, role=row["role"])
        elif row["role"] == "editor" and existing.role != "editor":
            existing.role = "editor"
            existing.save(update_fields=["role"])
    survivor.fields.add(*merged.fields.all())
    survivor.aliases = [*survivor.aliases, *_merged_names(survivor, merged)]
    survivor.acronyms = list(dict.fromkeys([*survivor.acronyms, *merged.acronyms]))
    survivor.former_ror_ids = [
        *survivor.former_ror_ids,
        *([merged.ror_id] if merged.ror_id else []),
        *merged.former_ror_ids,
    ]
    survivor.refresh_search_text()
    survivor.save()
    OrganisationRedirect.objects.filter(organisation=merged).update(organisation=survivor)
    merged_pk = merged.pk
    merged.delete()
    OrganisationRedirect.objects.create(old_id=merged_pk, organisation=survivor)
    return audit.record(
        actor=actor, action="merge", obj=survivor, changes={"merged": [merged_pk, survivor.pk], "undo": snapshot}
    )


# Where higher apps refer to an organisation (cooperation's partnerships and agreement
# parties, ...): the model, with an ``organisation`` foreign key, and the fields that name the
# record it takes part in (a second row for the same record would count the survivor twice).
# Each app registers its own in its AppConfig.ready().
_REFERENCES: list[tuple[Any, tuple[str, ...]]] = []


def register_reference(model: Any, *, record_fields: tuple[str, ...]) -> None:
    """Merges move ``model`` rows of the merged organisation to the survivor (and back on undo)."""
    if (model, record_fields) not in _REFERENCES:
        _REFERENCES.append((model, record_fields))


def _move_references(merged: Organisation, survivor: Organisation) -> dict[str, dict[str, list[Any]]]:
    """Point the merged organisation's registered references at the survivor; a row for a
    record the survivor is already in is deleted instead (and kept for undo)."""
    undo: dict[str, dict[str, list[Any]]] = {}
    for model, keys in _REFERENCES:
        held = {tuple(row) for row in model.objects.filter(organisation=survivor).values_list(*keys)}
        moved, deleted = [], []
        for row in model.objects.filter(organisation=merged).values():
            if tuple(row[k] for k in keys) in held:
                deleted.append({k: audit.plain(v) for k, v in row.items()})
            else:
                moved.append(row["id"])
        model.objects.filter(pk__in=[r["id"] for r in deleted]).delete()
        model.objects.filter(pk__in=moved).update(organisation=survivor)
        undo[model.__name__] = {"moved": moved, "deleted": deleted}
    return undo


def _restore_references(undo: dict[str, dict[str, list[Any]]], restored: Organisation) -> None:
    for model, _keys in _REFERENCES:
        rows = undo.get(model.__name__, {"moved": [], "deleted": []})
        model.objects.filter(pk__in=rows["moved"]).update(organisation=restored)
        model.objects.bulk_create([model(**{**row, "organisation_id": restored.pk}) for row in rows["deleted"]])


@transaction.atomic
def undo_merge(entry: AuditEntry, *, actor: User | None) -> Organisation:
    """Recreate the merged organisation with its id, names and references, and restore the
    survivor as it was. Refuses if the merge was already undone or the survivor is gone."""
    if entry.action != "merge" or AuditEntry.objects.filter(action="unmerge", changes__of=entry.pk).exists():
        raise ValueError("This merge cannot be undone (it is not a merge, or it was undone already).")
    snapshot = entry.changes["undo"]
    survivor = Organisation.objects.get(pk=int(entry.object_id))
    data = dict(snapshot["merged"])
    restored = Organisation(**data)
    restored.save(force_insert=True)
    Organisation.objects.filter(pk=restored.pk).update(created_at=data["created_at"])  # auto_now_add reset it
    restored.fields.set(snapshot["fields"])
    before = snapshot["survivor_before"]
    for expert in Expert.objects.filter(pk__in=snapshot["experts"]):
        expert.affiliations.add(restored)
        if expert.pk not in before["experts"]:  # it was not affiliated with the survivor before
            expert.affiliations.remove(survivor)
    roles_before = {row["user_id"]: row["role"] for row in before["memberships"]}
    for row in snapshot["memberships"]:
        Membership.objects.create(user_id=row["user_id"], organisation=restored, role=row["role"])
        if row["user_id"] in roles_before:
            Membership.objects.filter(user_id=row["user_id"], organisation=survivor).update(
                role=roles_before[row["user_id"]]
            )
        else:
            Membership.objects.filter(user_id=row["user_id"], organisation=survivor).delete()
    survivor.aliases, survivor.acronyms, survivor.former_ror_ids = (
        before["aliases"],
        before["acronyms"],
        before["former_ror_ids"],
    )
    survivor.fields.set(before["fields"])
    survivor.refresh_search_text()
    survivor.save()
    _restore_references(snapshot.get("cooperation", {}), restored)
    User.objects.filter(pk__in=snapshot.get("users", [])).update(organisation=restored)
    OrganisationRedirect.objects.filter(old_id=restored.pk).delete()
    OrganisationRedirect.objects.filter(old_id__in=snapshot["redirects"]).update(organisation=restored)
    audit.record(actor=actor, action="unmerge", obj=survivor, changes={"of": entry.pk, "restored": [None, restored.pk]})
    return restored
