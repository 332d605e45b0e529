"""Registry endpoints: countries, fields, organisations, experts."""

import copy
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from silkbridge.accounts.models import AuthenticatedRequest
from silkbridge.api.auth import public, token_required
from silkbridge.api.caching import last_modified
from silkbridge.api.pagination import ListPagination
from silkbridge.api.schemas import (
    ERRORS,
    CountryOut,
    ExpertOut,
    ExpertPatch,
    FieldOut,
    OrganisationDetailOut,
    OrganisationOut,
    OrganisationPatch,
)
from silkbridge.api.versions import superseded
from silkbridge.registry import domain, queries
from silkbridge.registry.enums import OrganisationSort
from silkbridge.registry.forms import ExpertForm, OrganisationForm
from silkbridge.registry.models import Country, Field

router = Router(auth=public)
# What v1 answers as a bare array (deprecated there) and v2 in the list shape (versions.py).
router_v1 = Router(auth=public)
router_v2 = Router(auth=public)


# The API's one list shape; kept under this name for routers that import it from here.
Pagination = ListPagination


# Filter text is bounded: a long query is refused (422), not run.
Text = Annotated[str, SchemaField(max_length=200)]
Code = Annotated[str, SchemaField(max_length=40)]


class OrganisationFilters(Schema):
    q: Text = ""
    country: Code = ""
    type: Code = ""
    field: Code = ""
    sort: OrganisationSort = OrganisationSort.NAME


class ExpertFilters(Schema):
    q: Text = ""
    country: Code = ""
    field: Code = ""
    organisation: int | None = None


@router.get("/countries", response=list[CountryOut], tags=["registry"])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_countries(request: HttpRequest, partner: bool | None = None) -> Any:
    qs = Country.objects.order_by("code")
    return qs if partner is None else qs.filter(is_partner=partner)


@router.get("/countries/{code}", response={200: CountryOut, **ERRORS}, tags=["registry"])
def get_country(request: HttpRequest, code: str) -> Any:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404
    return country


@router_v1.get("/fields", response=list[FieldOut], tags=["registry"], deprecated=True)
@superseded
def list_fields(request: HttpRequest) -> Any:
    return Field.objects.all()


@router_v2.get("/fields", response=list[FieldOut], tags=["registry"])
@paginate(Pagination, page_size=50, max_page_size=200)
def fields_page(request: HttpRequest) -> Any:
    return Field.objects.all()


@router.get("/organisations", response=list[OrganisationOut], tags=["registry"])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> Any:
    data = filters.dict()
    data["kind"] = data.pop("type")
    return queries.search_organisations(**data)


@router.get("/organisations/{pk}", response={200: OrganisationDetailOut, **ERRORS}, tags=["registry"])
@last_modified
def get_organisation(request: HttpRequest, pk: int) -> Any:
    return domain.get_organisation_for_user(request.user, pk)


@router.patch(
    "/organisations/{pk}", response={200: OrganisationDetailOut, **ERRORS}, auth=token_required, tags=["registry"]
)
def patch_organisation(request: AuthenticatedRequest, pk: int, patch: OrganisationPatch) -> Any:
    org = domain.get_organisation_for_user(request.user, pk, write=True)
    changes = patch.dict(exclude_unset=True)
    if "type" in changes:
        changes["kind"] = changes.pop("type")
    form = OrganisationForm(data=_form_data(org, OrganisationForm, changes), instance=copy.copy(org))
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    domain.update_organisation(org, data={k: form.cleaned_data[k] for k in changes}, actor=request.user)
    return org


@router.delete("/organisations/{pk}", response={204: None, **ERRORS}, auth=token_required, tags=["registry"])
def delete_organisation(request: AuthenticatedRequest, pk: int) -> Any:
    org = domain.get_organisation_for_user(request.user, pk)
    if not request.user.has_perm("registry.delete_organisation", org):
        raise PermissionDenied
    domain.delete_organisation(org, actor=request.user)
    return Status(204, None)


@router.get("/experts", response=list[ExpertOut], tags=["registry"])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_experts(request: HttpRequest, filters: Query[ExpertFilters]) -> Any:
    return queries.search_experts(request.user, **filters.dict())


@router.get("/experts/{pk}", response={200: ExpertOut, **ERRORS}, tags=["registry"])
@last_modified
def get_expert(request: HttpRequest, pk: int) -> Any:
    return domain.get_expert_for_user(request.user, pk)


@router.patch("/experts/{pk}", response={200: ExpertOut, **ERRORS}, auth=token_required, tags=["registry"])
def patch_expert(request: AuthenticatedRequest, pk: int, patch: ExpertPatch) -> Any:
    expert = domain.get_expert_for_user(request.user, pk, write=True)
    changes = patch.dict(exclude_unset=True)
    for key in ("keywords", "languages"):
        if key in changes:
            changes[f"{key}_text"] = ", ".join(changes.pop(key) or [])  # null clears the list
    form = ExpertForm(data=_form_data(expert, ExpertForm, changes), instance=copy.copy(expert))
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    domain.update_expert(expert, data=form.domain_data(), actor=request.user)
    return expert


@router.delete("/experts/{pk}", response={204: None, **ERRORS}, auth=token_required, tags=["registry"])
def delete_expert(request: AuthenticatedRequest, pk: int) -> Any:
    expert = domain.get_expert_for_user(request.user, pk)
    if not request.user.has_perm("registry.delete_expert", expert):
        raise PermissionDenied
    domain.delete_expert(expert, actor=request.user)
    return Status(204, None)


def _form_data(obj: Any, form_class: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """The record's current values in form shape, overlaid with the requested changes."""
    data = model_to_dict(obj, fields=form_class.Meta.fields)
    for name, value in data.items():
        if isinstance(value, list):  # many-to-many: primary keys
            data[name] = [getattr(v, "pk", v) for v in value]
    data.pop("logo", None)
    form = form_class(instance=obj)
    for name in ("keywords_text", "languages_text", "affiliations_text"):
        if name in form.fields:
            data[name] = form.fields[name].initial
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items()}
