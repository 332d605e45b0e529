"""Cooperation endpoints: agreements, joint labs, demonstration centres and projects (reads
for everybody, PATCH/DELETE with a token). Every date question takes `as_of` (default: today)."""

import copy
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from silkbridge.api.auth import public, token_required
from silkbridge.api.caching import last_modified
from silkbridge.api.registry import Pagination
from silkbridge.api.schemas import ERRORS
from silkbridge.cooperation import domain, queries, rules
from silkbridge.cooperation.enums import AgreementKind, AgreementStatus
from silkbridge.cooperation.importing import form_data, record_columns
from silkbridge.cooperation.kinds import RECORDS
from silkbridge.cooperation.models import Agreement

router = Router(auth=public, tags=["cooperation"])


def as_of_from(request: HttpRequest) -> date:
    raw = request.GET.get("as_of")
    return date.fromisoformat(raw) if raw else timezone.localdate()


class AsOf(Schema):
    as_of: date | None = None

    def day(self) -> date:
        return self.as_of or timezone.localdate()


class AgreementFilters(AsOf):
    kind: AgreementKind | None = None
    country: str = ""
    status: AgreementStatus | None = None
    q: str = ""
    field: str = ""


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
    q: str = ""
    country: str = ""
    field: str = ""


class RecordPatch(Schema):
    """Fields to change, with the names of the import columns (see /cooperation/import/)."""

    values: dict[str, str | list[str] | None]


@router.get("/agreements", response=list[AgreementOut])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    qs = queries.agreements(
        on=filters.day(), kind=filters.kind or "", country=filters.country, status=filters.status or ""
    )
    return (
        qs.filter(pk__in=queries.records(Agreement, q=filters.q, field=filters.field).values("pk"))
        if filters.q or filters.field
        else qs
    )


@router.get("/agreements/{pk}", response={200: AgreementOut, **ERRORS})
@last_modified
def get_agreement(request: HttpRequest, pk: int, filters: Query[AsOf]) -> Any:
    agreement = queries.agreements(on=filters.day()).filter(pk=pk).first()
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


@router.patch("/cooperation/{kind}/{pk}", response={200: dict[str, Any], **ERRORS}, auth=token_required)
def patch_record(request: HttpRequest, kind: str, pk: int, patch: RecordPatch) -> Any:
    """Change a record: the same validation as the edit page and the import."""
    record = domain.get_record_for_user(request.user, kind, pk, write=True)
    current = {column: value for column, value in record_columns(kind, record).items()}
    form = RECORDS[kind].form(form_data(kind, {**current, **patch.values}), instance=copy.copy(record))
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    violation = rules.party_violation(request.user, record, form.domain_data())
    if violation:
        raise PermissionDenied(violation)
    changes = domain.save_record(record, data=form.domain_data(), actor=request.user)
    return {"id": record.pk, "changed": sorted(changes)}


@router.delete("/cooperation/{kind}/{pk}", response={204: None, **ERRORS}, auth=token_required)
def delete_record(request: HttpRequest, kind: str, pk: int) -> Any:
    record = domain.get_record_for_user(request.user, kind, pk)
    if not request.user.has_perm("cooperation.delete_record", record):
        raise PermissionDenied
    domain.delete_record(record, actor=request.user)
    return Status(204, None)
