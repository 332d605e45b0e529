"""Writes to the cooperation record: pages, imports and commands call these. Each write
records one audit entry (who, when, what changed)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from silkbridge.cooperation import rules
from silkbridge.cooperation.models import AgreementParty, CentreYear, CooperationRecord, Output, Partnership
from silkbridge.core import audit

SCALARS_SKIPPED = {"name", "summary", "partners", "parties", "fields", "years"}


def _snapshot(record: Any) -> dict[str, Any]:
    skipped = {"created_at", "updated_at", "search_text"}
    values = {
        f.attname: audit.plain(getattr(record, f.attname))
        for f in record._meta.concrete_fields
        if f.attname not in skipped
    }
    if record.pk and hasattr(record, "fields"):
        values["fields"] = sorted(record.fields.values_list("code", flat=True))
        if hasattr(record, "parties"):
            values["parties"] = sorted(str(p) for p in record.parties.select_related("country", "organisation"))
        else:
            values["partners"] = sorted(f"{p.organisation_id}:{p.role}" for p in record.partners.all())
        if hasattr(record, "years"):
            values["years"] = [f"{y.year}: {y.people_trained}, {y.technologies_adopted}" for y in record.years.all()]
    return values


@transaction.atomic
def save_record(record: CooperationRecord, *, data: dict[str, Any], actor: Any) -> dict[str, list[Any]]:
    """Create or update `record` from validated form data; returns the audited changes.
    Refuses (PermissionDenied) parties the actor may not set (see rules.party_violation)."""
    violation = rules.party_violation(actor, record, data)
    if violation:
        raise PermissionDenied(violation)
    before = _snapshot(record) if record.pk else {}
    for key, value in data.items():
        if key not in SCALARS_SKIPPED:
            setattr(record, key, value)
    for key in ("name", "summary"):
        if key in data:
            field_name, lang, text = data[key]
            if field_name:
                setattr(
                    record,
                    field_name,
                    {**getattr(record, field_name), lang: text} if text else getattr(record, field_name),
                )
            else:
                record.title = text  # type: ignore[attr-defined]
    record.refresh_search_text()
    created = record.pk is None
    record.save()
    if "fields" in data:
        record.fields.set(data["fields"] or [])
    if "partners" in data:
        record.partners.all().delete()  # type: ignore[attr-defined]
        key = {"demonstrationcentre": "centre", "jointlab": "lab"}.get(record._meta.model_name or "", "project")
        Partnership.objects.bulk_create(
            Partnership(organisation=o, role=r, **{key: record}) for o, r in data["partners"]
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
def delete_record(record: CooperationRecord, *, actor: Any) -> None:
    audit.record(actor=actor, action="delete", obj=record, changes={"name": [str(record), None]})
    record.delete()


@transaction.atomic
def save_output(output: Output, *, data: dict[str, Any], actor: Any) -> dict[str, list[Any]]:
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
