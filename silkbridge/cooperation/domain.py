"""Writes to the cooperation record: pages, imports and commands call these. Each write
records one audit entry (who, when, what changed)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from silkbridge.accounts.models import User, Viewer
from silkbridge.cooperation import rules
from silkbridge.cooperation.models import (
    RECORD_MODELS,
    AgreementParty,
    CentreYear,
    CooperationRecord,
    DemonstrationCentre,
    Output,
    Partnership,
)
from silkbridge.core import audit


def get_record_for_user(user: Viewer, kind: str, pk: int, *, write: bool = False) -> CooperationRecord:
    """A cooperation record of ``kind`` (a slug): 404 when there is none, 403 when ``write``
    and the user may not change it. Every record is public to read."""
    model = RECORD_MODELS.get(kind)
    record = model._default_manager.filter(pk=pk).first() if model else None
    if record is None:
        raise Http404
    if write and not user.has_perm("cooperation.change_record", record):
        raise PermissionDenied
    return record


RELATIONS = {"partners", "parties", "fields", "years"}


def _snapshot(record: Any) -> dict[str, Any]:
    values = audit.snapshot(record, skip={"created_at", "updated_at", "search_text"})
    if record.pk and isinstance(record, CooperationRecord):
        values["fields"] = sorted(record.fields.values_list("code", flat=True))
        if record.partnership_field:
            values["partners"] = sorted(f"{p.organisation_id}:{p.role}" for p in record.partners.all())  # type: ignore[attr-defined]
        else:
            values["parties"] = sorted(str(p) for p in record.parties.select_related("country", "organisation"))  # type: ignore[attr-defined]
        if isinstance(record, DemonstrationCentre):
            values["years"] = [f"{y.year}: {y.people_trained}, {y.technologies_adopted}" for y in record.years.all()]
    return values


@transaction.atomic
def save_record(record: CooperationRecord, *, data: dict[str, Any], actor: User | None) -> dict[str, list[Any]]:
    """Create or update `record` from validated form data; returns the audited changes.
    Refuses (PermissionDenied) parties the actor may not set (see rules.party_violation)."""
    violation = rules.party_violation(actor, record, data)
    if violation:
        raise PermissionDenied(violation)
    before = _snapshot(record) if record.pk else {}
    for key, value in data.items():
        if key not in RELATIONS:
            setattr(record, key, value)
    record.refresh_search_text()
    created = record.pk is None
    record.save()
    if "fields" in data:
        record.fields.set(data["fields"] or [])
    if "partners" in data:
        record.partners.all().delete()  # type: ignore[attr-defined]
        Partnership.objects.bulk_create(
            Partnership(organisation=o, role=r, **{record.partnership_field: record}) for o, r in data["partners"]
        )
    if "parties" in data:
        countries, organisations = data["parties"]
        record.parties.all().delete()  # type: ignore[attr-defined]
        AgreementParty.objects.bulk_create(
            [AgreementParty(agreement_id=record.pk, country_id=c) for c in countries]
            + [AgreementParty(agreement_id=record.pk, organisation=o) for o in organisations]
        )
    if "years" in data:
        record.years.all().delete()  # type: ignore[attr-defined]
        CentreYear.objects.bulk_create(
            CentreYear(centre_id=record.pk, year=y, people_trained=p, technologies_adopted=t)
            for y, p, t in data["years"]
        )
    changes = audit.diff(before, _snapshot(record))
    if created or changes:
        audit.record(
            actor=actor, action="create" if created else "update", obj=record, changes={} if created else changes
        )
    return changes


@transaction.atomic
def delete_record(record: CooperationRecord, *, actor: User | None) -> None:
    audit.record(actor=actor, action="delete", obj=record, changes={"name": [str(record), None]})
    record.delete()


@transaction.atomic
def save_output(output: Output, *, data: dict[str, Any], actor: User | None) -> dict[str, list[Any]]:
    before = _snapshot(output) if output.pk else {}
    for key, value in data.items():
        setattr(output, key, value)
    created = output.pk is None
    output.save()
    changes = audit.diff(before, _snapshot(output))
    if created or changes:
        audit.record(
            actor=actor, action="create" if created else "update", obj=output, changes={} if created else changes
        )
    return changes
