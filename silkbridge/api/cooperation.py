"""Cooperation endpoints: agreements, joint labs, demonstration centres and projects (reads
of published records for everybody; POST, PATCH, DELETE and the review steps with a token).
Every date question takes `as_of` (default: today). Writes go through the same forms and
the same review as the pages: what someone other than a moderator writes is submitted."""

import copy
import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from silkbridge.accounts.models import AuthenticatedRequest
from silkbridge.api.auth import public, token_required
from silkbridge.api.caching import last_modified
from silkbridge.api.pagination import SequencePagination
from silkbridge.api.registry import Code, Pagination, Text
from silkbridge.api.schemas import ERRORS
from silkbridge.cooperation import domain, queries, rules
from silkbridge.cooperation.enums import AgreementKind, AgreementStatus
from silkbridge.cooperation.forms import RecordOutputForm
from silkbridge.cooperation.importing import form_data, record_columns
from silkbridge.cooperation.kinds import RECORDS
from silkbridge.cooperation.models import Agreement, Output

router = Router(auth=public, tags=["cooperation"])


def as_of_from(request: HttpRequest) -> date:
    """The day the endpoint validated (AsOf.day() keeps it on the request), else today."""
    return getattr(request, "silkbridge_as_of", None) or timezone.localdate()


class AsOf(Schema):
    as_of: date | None = SchemaField(None, description="A day, YYYY-MM-DD (default: today).")

    @field_validator("as_of", mode="before")
    @classmethod
    def iso_day(cls, value: Any) -> Any:
        """Only a calendar day: not a number of seconds, not a date and time."""
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("a day as YYYY-MM-DD")
        return value

    def day(self, request: HttpRequest | None = None) -> date:
        day = self.as_of or timezone.localdate()
        if request is not None:
            request.silkbridge_as_of = day  # type: ignore[attr-defined]
        return day


class AgreementFilters(AsOf):
    kind: AgreementKind | None = None
    country: Code = ""
    status: AgreementStatus | None = None
    q: Text = ""
    field: Code = ""


class PartyOut(Schema):
    country: str | None = SchemaField(None, alias="country_id")
    organisation: int | None = SchemaField(None, alias="organisation_id")


class PartnerOut(Schema):
    organisation: int = SchemaField(..., alias="organisation_id")
    role: str


class AgreementOut(Schema):
    id: int
    external_id: str | None
    kind: str
    title: str
    titles: dict[str, str]
    summaries: dict[str, str]
    signed_on: date | None
    in_force_from: date | None
    expires_on: date | None
    terminated_on: date | None
    status: str = SchemaField(..., description="Derived from the dates for `as_of`.")
    parties: list[PartyOut]
    fields: list[str]
    text_url: str
    is_demo: bool

    @staticmethod
    def resolve_status(obj: Agreement, context: dict[str, Any]) -> str:
        return str(obj.status_on(as_of_from(context["request"])))

    @staticmethod
    def resolve_parties(obj: Agreement) -> list[Any]:
        return list(obj.parties.all())

    @staticmethod
    def resolve_fields(obj: Any) -> list[str]:
        return [f.code for f in obj.fields.all()]


class RecordOut(Schema):
    id: int
    external_id: str | None
    name: str
    partners: list[PartnerOut]
    fields: list[str]
    is_demo: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)

    @staticmethod
    def resolve_partners(obj: Any) -> list[Any]:
        return list(obj.partners.all())

    @staticmethod
    def resolve_fields(obj: Any) -> list[str]:
        return [f.code for f in obj.fields.all()]


class LabOut(RecordOut):
    established_on: date | None
    closed_on: date | None


class CentreOut(RecordOut):
    host_country: str = SchemaField(..., alias="host_country_id")
    opened_on: date | None
    closed_on: date | None


class ProjectOut(RecordOut):
    start_on: date | None
    end_on: date | None
    funding_programme: str
    agreement: int | None = SchemaField(None, alias="agreement_id")
    lab: int | None = SchemaField(None, alias="lab_id")


class ActiveFilter(AsOf):
    active: bool | None = SchemaField(None, description="Only records active (true) or not (false) on `as_of`.")
    q: Text = ""
    country: Code = ""
    field: Code = ""


class RecordPatch(Schema):
    """Fields to change, with the names of the import columns (see /cooperation/import/)."""

    values: dict[str, str | list[str] | None]


@router.get("/agreements", response=list[AgreementOut])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    qs = queries.agreements(
        on=filters.day(request), kind=filters.kind or "", country=filters.country, status=filters.status or ""
    )
    return (
        qs.filter(pk__in=queries.records(Agreement, q=filters.q, field=filters.field).values("pk"))
        if filters.q or filters.field
        else qs
    )


@router.get("/agreements/{pk}", response={200: AgreementOut, **ERRORS})
@last_modified
def get_agreement(request: HttpRequest, pk: int, filters: Query[AsOf]) -> Any:
    agreement = queries.agreements(on=filters.day(request)).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


def _active(qs: Any, active_now: Any, active: bool | None) -> Any:
    if active is None:
        return qs
    ids = active_now.values("pk")
    return qs.filter(pk__in=ids) if active else qs.exclude(pk__in=ids)


def _records(kind: str, filters: ActiveFilter) -> Any:
    spec = RECORDS[kind]
    qs = queries.records(spec.model, q=filters.q, country=filters.country, field=filters.field)
    qs = qs.prefetch_related("partners", "fields").order_by("id")
    return _active(qs, spec.active(on=filters.day()), filters.active)  # type: ignore[misc]


@router.get("/labs", response=list[LabOut])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_labs(request: HttpRequest, filters: Query[ActiveFilter]) -> Any:
    return _records("labs", filters)


@router.get("/labs/{pk}", response={200: LabOut, **ERRORS})
@last_modified
def get_lab(request: HttpRequest, pk: int) -> Any:
    return domain.get_record_for_user(request.user, "labs", pk)


@router.get("/centres", response=list[CentreOut])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_centres(request: HttpRequest, filters: Query[ActiveFilter]) -> Any:
    return _records("centres", filters)


@router.get("/centres/{pk}", response={200: CentreOut, **ERRORS})
@last_modified
def get_centre(request: HttpRequest, pk: int) -> Any:
    return domain.get_record_for_user(request.user, "centres", pk)


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_projects(request: HttpRequest, filters: Query[ActiveFilter]) -> Any:
    return _records("projects", filters)


@router.get("/projects/{pk}", response={200: ProjectOut, **ERRORS})
@last_modified
def get_project(request: HttpRequest, pk: int) -> Any:
    return domain.get_record_for_user(request.user, "projects", pk)


class RecordCreate(Schema):
    """A new record's values, with the names of the import columns (see /cooperation/import/)."""

    values: dict[str, str | list[str] | None]


class ReviewComment(Schema):
    comment: str = SchemaField(..., max_length=4000)


def _kind_spec(kind: str) -> Any:
    if kind not in RECORDS:
        raise Http404
    return RECORDS[kind]


def _form_input(data: dict[str, Any]) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in data.items()}


def _submit(request: AuthenticatedRequest, kind: str, record: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Validate `values` with the record's form and save it through the review."""
    data = form_data(kind, values)
    form = RECORDS[kind].form(data, instance=copy.copy(record), user=request.user)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    violation = rules.party_violation(request.user, record, form.domain_data())
    if violation:
        raise PermissionDenied(violation)
    changes = domain.save_record(record, data=form.domain_data(), actor=request.user, form_input=_form_input(data))
    return {"id": record.pk, "changed": sorted(changes), "review_status": record.review_status}


@router.post("/cooperation/{kind}", response={201: dict[str, Any], **ERRORS}, auth=token_required)
def create_record(request: AuthenticatedRequest, kind: str, body: RecordCreate) -> Any:
    """Create a record: published when a moderator creates it, submitted for review otherwise."""
    spec = _kind_spec(kind)
    if not request.user.has_perm("cooperation.add_record"):
        raise PermissionDenied
    return Status(201, _submit(request, kind, spec.model(), body.values))


@router.patch("/cooperation/{kind}/{pk}", response={200: dict[str, Any], **ERRORS}, auth=token_required)
def patch_record(request: AuthenticatedRequest, kind: str, pk: int, patch: RecordPatch) -> Any:
    """Change a record: the same validation as the edit page and the import. A change by
    someone other than a moderator is submitted; the published version stays until then."""
    record = domain.get_record_for_user(request.user, kind, pk, write=True)
    current = {column: value for column, value in record_columns(kind, record).items()}
    return _submit(request, kind, record, {**current, **patch.values})


def _review(request: AuthenticatedRequest, kind: str, pk: int, perm: str) -> Any:
    record = domain.get_record_for_user(request.user, kind, pk)
    if not request.user.has_perm(perm, record):
        raise PermissionDenied
    return record


@router.post("/cooperation/{kind}/{pk}/publish", response={200: dict[str, Any], **ERRORS}, auth=token_required)
def publish_record(request: AuthenticatedRequest, kind: str, pk: int) -> Any:
    """Publish a submission (moderators)."""
    record = _review(request, kind, pk, "cooperation.publish_record")
    changes = domain.publish_record(record, actor=request.user)
    return {"id": record.pk, "changed": sorted(changes), "review_status": record.review_status}


@router.post("/cooperation/{kind}/{pk}/send-back", response={200: dict[str, Any], **ERRORS}, auth=token_required)
def send_back_record(request: AuthenticatedRequest, kind: str, pk: int, body: ReviewComment) -> Any:
    """Send a submission back to its submitter with a comment (moderators)."""
    record = _review(request, kind, pk, "cooperation.publish_record")
    domain.send_back_record(record, comment=body.comment, actor=request.user)
    return {"id": record.pk, "review_status": record.review_status}


@router.post("/cooperation/{kind}/{pk}/withdraw", response={200: dict[str, Any], **ERRORS}, auth=token_required)
def withdraw_record(request: AuthenticatedRequest, kind: str, pk: int) -> Any:
    """Withdraw a submission (whoever may change the record)."""
    record = _review(request, kind, pk, "cooperation.withdraw_record")
    domain.withdraw_record(record, actor=request.user)
    return {"id": record.pk, "review_status": record.review_status}


@router.delete("/cooperation/{kind}/{pk}", response={204: None, **ERRORS}, auth=token_required)
def delete_record(request: AuthenticatedRequest, kind: str, pk: int) -> Any:
    record = domain.get_record_for_user(request.user, kind, pk)
    if not request.user.has_perm("cooperation.delete_record", record):
        raise PermissionDenied
    domain.delete_record(record, actor=request.user)
    return Status(204, None)


class OutputOut(Schema):
    id: int
    external_id: str | None
    kind: str
    year: int
    count: int
    identifier: str
    review_status: str = SchemaField(
        ..., description="Published ones are public; others only to those who may see them."
    )


class OutputValues(Schema):
    """An output's values: kind (publication, patent, dataset, training, technology_transfer),
    year, count (default 1), identifier (a DOI, a patent number)."""

    values: dict[str, str | int | None]


OUTPUT_COLUMNS = ("kind", "year", "count", "identifier")


def _output_record(request: HttpRequest, kind: str, pk: int, *, write: bool = False) -> Any:
    _kind_spec(kind)
    record = domain.get_record_for_user(request.user, kind, pk, write=write)
    if not record.partnership_field:
        raise Http404  # agreements have no outputs
    return record


def _save_output(request: AuthenticatedRequest, output: Output, values: dict[str, Any]) -> dict[str, Any]:
    """Validate `values` with the page's form and save the output through the review."""
    current = {name: getattr(output, name) for name in OUTPUT_COLUMNS} if output.pk else {}
    data = {name: "" if value is None else str(value) for name, value in {**current, **values}.items()}
    form = RecordOutputForm(data, instance=copy.copy(output))
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    changes = domain.save_output(output, data=form.domain_data(), actor=request.user, form_input=_form_input(data))
    return {"id": output.pk, "changed": sorted(changes), "review_status": output.review_status}


@router.get("/cooperation/{kind}/{pk}/outputs", response={200: list[OutputOut], **ERRORS})
@paginate(SequencePagination, page_size=100, max_page_size=500)
def list_outputs(request: HttpRequest, kind: str, pk: int) -> Any:
    """The outputs of a lab, centre or project: the published ones; with a token, also those
    awaiting review that its user may see (whoever may change the record, moderators, the
    submitter)."""
    return queries.outputs_of(_output_record(request, kind, pk), request.user)


@router.post("/cooperation/{kind}/{pk}/outputs", response={201: dict[str, Any], **ERRORS}, auth=token_required)
def create_output(request: AuthenticatedRequest, kind: str, pk: int, body: OutputValues) -> Any:
    """Add an output (whoever may change the record): published when a moderator adds it,
    submitted for review otherwise."""
    record = _output_record(request, kind, pk, write=True)
    return Status(201, _save_output(request, Output(**{record.partnership_field: record}), body.values))


@router.patch(
    "/cooperation/{kind}/{pk}/outputs/{output_pk}", response={200: dict[str, Any], **ERRORS}, auth=token_required
)
def patch_output(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int, body: OutputValues) -> Any:
    """Change an output; a change by someone other than a moderator is submitted, the
    published version stays until then. A moderator's change to an output carrying a change
    awaiting review is refused (422) until that change is published or sent back."""
    _kind_spec(kind)
    output = domain.get_output_for_user(request.user, kind, pk, output_pk, write=True)
    return _save_output(request, output, body.values)


def _output_review(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int, perm: str) -> Output:
    _kind_spec(kind)
    output = domain.get_output_for_user(request.user, kind, pk, output_pk)
    if not request.user.has_perm(perm, output):
        raise PermissionDenied
    return output


@router.post(
    "/cooperation/{kind}/{pk}/outputs/{output_pk}/publish", response={200: dict[str, Any], **ERRORS},
    auth=token_required,
)  # fmt: skip
def publish_output(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int) -> Any:
    """Publish a submitted output (moderators)."""
    output = _output_review(request, kind, pk, output_pk, "cooperation.publish_record")
    changes = domain.publish_record(output, actor=request.user)
    return {"id": output.pk, "changed": sorted(changes), "review_status": output.review_status}


@router.post(
    "/cooperation/{kind}/{pk}/outputs/{output_pk}/send-back", response={200: dict[str, Any], **ERRORS},
    auth=token_required,
)  # fmt: skip
def send_back_output(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int, body: ReviewComment) -> Any:
    """Send a submitted output back to its submitter with a comment (moderators)."""
    output = _output_review(request, kind, pk, output_pk, "cooperation.publish_record")
    domain.send_back_record(output, comment=body.comment, actor=request.user)
    return {"id": output.pk, "review_status": output.review_status}


@router.post(
    "/cooperation/{kind}/{pk}/outputs/{output_pk}/withdraw", response={200: dict[str, Any], **ERRORS},
    auth=token_required,
)  # fmt: skip
def withdraw_output(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int) -> Any:
    """Withdraw a submitted output (whoever may change its record)."""
    output = _output_review(request, kind, pk, output_pk, "cooperation.withdraw_output")
    domain.withdraw_record(output, actor=request.user)
    return {"id": output.pk, "review_status": output.review_status}


@router.delete("/cooperation/{kind}/{pk}/outputs/{output_pk}", response={204: None, **ERRORS}, auth=token_required)
def delete_output(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int) -> Any:
    """Delete an output (moderators; whoever may change its record while it was never published)."""
    output = _output_review(request, kind, pk, output_pk, "cooperation.delete_output")
    domain.delete_output(output, actor=request.user)
    return Status(204, None)
