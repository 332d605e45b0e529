"""Writes to the cooperation record: pages, imports and commands call these. Each write
records one audit entry (who, when, what changed).

Review: whoever may publish (moderators, staff, a command-line import) writes published
records. Anyone else submits: a new record, or a change to one never published, is saved
unpublished; a change to a published record is kept as a pending change (its domain data,
the form input it came from and what it would change) until a moderator publishes it. A
moderator may send a submission back with a comment; whoever may change a record may
withdraw its submission. The submitter is told by e-mail of each decision."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from silkbridge.accounts.models import User, Viewer
from silkbridge.cooperation import rules
from silkbridge.cooperation.enums import ReviewStatus
from silkbridge.cooperation.models import (
    RECORD_MODELS,
    AgreementParty,
    CentreYear,
    CooperationRecord,
    DemonstrationCentre,
    Output,
    Partnership,
    Reviewed,
)
from silkbridge.core import audit


def get_record_for_user(user: Viewer, kind: str, pk: int, *, write: bool = False) -> CooperationRecord:
    """A cooperation record of ``kind`` (a slug): 404 when there is none, or when it was never
    published and the user may neither change nor publish it; 403 when ``write`` and the
    user may not change it. Published records are public to read."""
    model = RECORD_MODELS.get(kind)
    record = model._default_manager.filter(pk=pk).first() if model else None
    if record is None:
        raise Http404
    may_change = user.has_perm("cooperation.change_record", record)
    if not record.is_published and not (may_change or user.has_perm("cooperation.publish_record")):
        raise Http404
    if write and not may_change:
        raise PermissionDenied
    return record


def get_output_for_user(user: Viewer, kind: str, pk: int, output_pk: int, *, write: bool = False) -> Output:
    """An output of the record ``kind``/``pk`` (the record's own getter applies first): 404
    when there is none, or when it is not published and the user neither may change its
    record, nor publish, nor submitted it; 403 when ``write`` and the user may not change it."""
    record = get_record_for_user(user, kind, pk)
    if not record.partnership_field:
        raise Http404  # agreements have no outputs
    output = Output.all_records.filter(pk=output_pk, **{record.partnership_field: record}).first()
    if output is None:
        raise Http404
    may_change = user.has_perm("cooperation.change_output", output)
    submitter = user.is_authenticated and output.submitted_by_id == user.pk
    if not output.is_published and not (may_change or submitter or user.has_perm("cooperation.publish_record")):
        raise Http404
    if write and not may_change:
        raise PermissionDenied
    return output


def may_publish(actor: User | None) -> bool:
    """A command-line import (no actor), moderators and staff publish what they write."""
    return actor is None or bool(actor.has_perm("cooperation.publish_record"))


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


def _write(record: Reviewed, data: dict[str, Any]) -> tuple[bool, dict[str, list[Any]]]:
    """Apply domain data to the record (or output) and its relations; (created, the changes)."""
    before = _snapshot(record) if record.pk else {}
    for key, value in data.items():
        if key not in RELATIONS:
            setattr(record, key, value)
    created = record.pk is None
    if not isinstance(record, CooperationRecord):
        record.save()
        return created, audit.diff(before, _snapshot(record))
    record.refresh_search_text()
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
    return created, audit.diff(before, _snapshot(record))


def _preview(record: Reviewed, data: dict[str, Any]) -> dict[str, list[Any]]:
    """What `data` would change, computed by writing it and rolling the write back."""
    savepoint = transaction.savepoint()
    try:
        _created, changes = _write(type(record)._default_manager.get(pk=record.pk), data)
    finally:
        transaction.savepoint_rollback(savepoint)
    return changes


def pending_change_refusal(record: Reviewed) -> str:
    """Why a moderator may not write `record` directly now ("" when they may): it carries a
    change submitted for review, which a direct write would drop unseen."""
    if not record.pk or not record.pending:
        return ""
    who = record.submitted_by or _("someone")
    return _(
        "“%(name)s” has a change awaiting review, submitted by %(who)s on %(when)s. Publish it or send it back "
        "first: editing now would drop it."
    ) % {"name": record, "who": who, "when": formats.date_format(timezone.localtime(record.updated_at))}


@transaction.atomic
def save_record(
    record: Reviewed,
    *,
    data: dict[str, Any],
    actor: User | None,
    form_input: dict[str, list[str]] | None = None,
) -> dict[str, list[Any]]:
    """Create or change `record` (or an output) from validated form data; returns the audited
    changes. Refuses (PermissionDenied) parties the actor may not set (see
    rules.party_violation).

    An actor who may publish writes a published version; ValidationError (nothing written)
    when the record carries a pending change (see pending_change_refusal). Anyone else
    submits it for review: a change to a published record is kept as its pending change
    (``form_input``, the form's input, lets the edit page show it again; required then) and
    the record stays as it is."""
    violation = rules.party_violation(actor, record, data)
    if violation:
        raise PermissionDenied(violation)
    if may_publish(actor):
        refusal = pending_change_refusal(record)
        if refusal:
            raise ValidationError(refusal)
        record.is_published, record.review_status, record.pending, record.review_comment = (
            True, ReviewStatus.PUBLISHED, None, "",
        )  # fmt: skip
        created, changes = _write(record, data)
        if created or changes:
            action = "create" if created else "update"
            audit.record(actor=actor, action=action, obj=record, changes={} if created else changes)
        return changes
    if record.pk and record.is_published:
        if form_input is None:
            raise ValueError("A change submitted for review needs the form input.")
        changes = _preview(record, data)
        record.pending = {"data": {k: _encode(v) for k, v in data.items()}, "form": form_input, "changes": changes}
        _mark_submitted(record, actor)
        record.save(update_fields=["pending", "review_status", "review_comment", "submitted_by", "updated_at"])
    else:
        record.is_published = False
        _mark_submitted(record, actor)
        _created, changes = _write(record, data)
    audit.record(actor=actor, action="submit", obj=record, changes=changes)
    return changes


def _mark_submitted(record: Reviewed, actor: User | None) -> None:
    record.review_status, record.review_comment, record.submitted_by = ReviewStatus.SUBMITTED, "", actor


@transaction.atomic
def publish_record(record: Reviewed, *, actor: User | None) -> dict[str, list[Any]]:
    """Publish what was submitted: a pending change is applied to the record. ValidationError
    when a pending change names a record that no longer exists."""
    if not record.awaits_review:
        raise ValidationError(_("Nothing awaits review on this record."))
    changes: dict[str, list[Any]] = {}
    if record.pending:
        try:
            data = {k: _decode(v) for k, v in record.pending["data"].items()}
        except models.ObjectDoesNotExist:
            raise ValidationError(_("The change names a record that no longer exists; send it back.")) from None
        _created, changes = _write(record, data)
    record.is_published, record.review_status, record.pending, record.review_comment = (
        True, ReviewStatus.PUBLISHED, None, "",
    )  # fmt: skip
    record.save(update_fields=["is_published", "review_status", "pending", "review_comment", "updated_at"])
    audit.record(actor=actor, action="publish", obj=record, changes=changes)
    _notify(record, "cooperation/email/published.txt", _("Published: %(name)s"))
    return changes


@transaction.atomic
def send_back_record(record: Reviewed, *, comment: str, actor: User | None) -> None:
    """Return a submission to its submitter with a comment (required); it stays unpublished."""
    if not record.awaits_review:
        raise ValidationError(_("Nothing awaits review on this record."))
    if not comment.strip():
        raise ValidationError(_("Say what should change."))
    record.review_status, record.review_comment = ReviewStatus.SENT_BACK, comment.strip()
    record.save(update_fields=["review_status", "review_comment", "updated_at"])
    audit.record(actor=actor, action="send_back", obj=record, changes={"comment": [None, record.review_comment]})
    _notify(record, "cooperation/email/sent_back.txt", _("Sent back: %(name)s"))


@transaction.atomic
def withdraw_record(record: Reviewed, *, actor: User | None) -> None:
    """Withdraw a submission: a pending change is dropped; a record never published becomes
    a draft that only those who may change it see."""
    if not record.awaits_review:
        raise ValidationError(_("Nothing awaits review on this record."))
    record.pending = None
    record.review_status = ReviewStatus.PUBLISHED if record.is_published else ReviewStatus.DRAFT
    record.save(update_fields=["pending", "review_status", "updated_at"])
    audit.record(actor=actor, action="withdraw", obj=record, changes={})


def _notify(record: Reviewed, template: str, subject: str) -> None:
    """E-mail the submitter (after commit), in the site's default language."""
    user = record.submitted_by
    if user is None or not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL + record.get_absolute_url()
        body = render_to_string(template, {"record": record, "link": link, "queue": settings.SITE_URL
                                           + reverse("cooperation:review")})  # fmt: skip
        title = subject % {"name": record}
    transaction.on_commit(lambda: send_mail(title, body, None, [user.email]))


def _encode(value: Any) -> Any:
    """Domain data as JSON: records by model and key, dates and decimals tagged."""
    if isinstance(value, models.Model):
        return {"$": "model", "model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, list | tuple | models.QuerySet):
        return [_encode(v) for v in value]
    if isinstance(value, date):
        return {"$": "date", "value": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$": "decimal", "value": str(value)}
    if isinstance(value, dict):
        return {"$": "dict", "value": value}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value["$"] == "model":
        return apps.get_model(value["model"])._default_manager.get(pk=value["pk"])
    if value["$"] == "date":
        return date.fromisoformat(value["value"])
    if value["$"] == "decimal":
        return Decimal(value["value"])
    return value["value"]  # a dict of texts by language


@transaction.atomic
def delete_record(record: CooperationRecord, *, actor: User | None) -> None:
    audit.record(actor=actor, action="delete", obj=record, changes={"name": [str(record), None]})
    record.delete()


def save_output(
    output: Output, *, data: dict[str, Any], actor: User | None, form_input: dict[str, list[str]] | None = None
) -> dict[str, list[Any]]:
    """Create or change an output: the same review as the records (see save_record)."""
    return save_record(output, data=data, actor=actor, form_input=form_input if form_input is not None else {})


@transaction.atomic
def delete_output(output: Output, *, actor: User | None) -> None:
    audit.record(actor=actor, action="delete", obj=output, changes={"name": [str(output), None]})
    output.delete()
