"""Marketplace endpoints: published summaries for anyone; a listing's details, attachments and
the parties' messages only to those entitled, through authenticated endpoints. The same
queries, domain functions and rules as the pages."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from silkbridge.api.auth import public, token_required
from silkbridge.api.pagination import SequencePagination
from silkbridge.api.registry import Pagination
from silkbridge.api.schemas import ERRORS, ErrorOut
from silkbridge.api.versions import superseded
from silkbridge.marketplace import domain, queries
from silkbridge.marketplace.models import Interest, Listing
from silkbridge.matching import domain as matching

router = Router(auth=public, tags=["marketplace"])
# What v1 answers as a bare array (deprecated there) and v2 in the list shape (versions.py).
router_v1 = Router(auth=public, tags=["marketplace"])
router_v2 = Router(auth=public, tags=["marketplace"])

KIND = "^(|offer|need)$"


class ListingOut(Schema):
    id: int
    kind: str = SchemaField(description="offer or need")
    title: str = SchemaField(description="in the language of the Accept-Language header where the listing has it")
    titles: dict[str, str]
    summary: str
    summaries: dict[str, str]
    trl: int | None = SchemaField(None, description="technology readiness level 1-9 (offers)")
    ip_status: str = SchemaField(description="patented, pending, know_how, open or empty")
    organisation: int = SchemaField(..., alias="organisation_id")
    organisation_name: str
    countries: list[str] = SchemaField(description="target countries (ISO 3166-1)")
    fields: list[str] = SchemaField(description="fields of science (OECD FORD codes)")
    keywords: list[str]
    sectors: list[str]
    cooperation: list[str]
    languages: list[str]
    expires_on: date
    published_at: datetime | None
    url: str
    is_demo: bool

    @staticmethod
    def resolve_organisation_name(obj: Listing) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_countries(obj: Listing) -> list[str]:
        return [c.code for c in obj.countries.all()]

    @staticmethod
    def resolve_fields(obj: Listing) -> list[str]:
        return [f.code for f in obj.fields.all()]

    @staticmethod
    def resolve_url(obj: Listing) -> str:
        return obj.get_absolute_url()


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class DetailsOut(Schema):
    id: int
    details: dict[str, str] = SchemaField(description="by language")
    confidentiality_statement: str
    attachments: list[AttachmentOut]


class InterestOut(Schema):
    id: int
    listing: int = SchemaField(..., alias="listing_id")
    status: str
    stage: str
    decline_reason: str
    created_at: datetime
    role: str = SchemaField(description="sender or owner: the caller's side")


class MessageOut(Schema):
    id: int
    author: str
    mine: bool
    body: str
    created_at: datetime


class MessageIn(Schema):
    body: str = SchemaField(..., min_length=1, max_length=4000)


class ListingFilters(Schema):
    q: str = SchemaField("", max_length=200, description="searched by the matching engine, in any language")
    kind: str = SchemaField("", pattern=KIND)
    field: str = ""
    country: str = ""
    trl: int | None = SchemaField(None, ge=1, le=9, description="at least this readiness level")
    ip_status: str = SchemaField("", pattern="^(|patented|pending|know_how|open)$")
    organisation: int | None = None


def _ranked(qs: QuerySet[Listing], query: str, kind: str, user: Any) -> QuerySet[Listing]:
    hits = matching.search(query, user=user, kinds=[kind] if kind else ["offer", "need"])
    ids = [int(h.key.split(":")[1]) for h in hits]
    if not ids:
        return qs.none()
    return qs.filter(pk__in=ids).order_by(Case(*(When(pk=pk, then=i) for i, pk in enumerate(ids)),
                                               output_field=IntegerField()))  # fmt: skip


@router.get("/marketplace/listings", response=list[ListingOut])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_listings(request: HttpRequest, filters: Query[ListingFilters]) -> Any:
    """Published offers and needs (summaries only), newest first, or best first with ``q``."""
    data = filters.dict()
    query = data.pop("q").strip()
    data["trl_min"] = data.pop("trl")
    qs = queries.filter_listings(queries.published_listings(), **data)
    return _ranked(qs, query, data["kind"], request.user) if query else qs


@router.get("/marketplace/listings/{pk}", response={200: ListingOut, **ERRORS})
def get_listing(request: HttpRequest, pk: int) -> Any:
    return domain.get_listing_for_user(request.user, pk)


@router.get("/marketplace/listings/{pk}/details", response={200: DetailsOut, **ERRORS}, auth=token_required)
def get_listing_details(request: HttpRequest, pk: int) -> Any:
    """The details and attachments: for the owning organisation's members, moderators, staff and
    a member whose expression of interest was accepted."""
    listing = domain.get_listing_for_user(request.user, pk, perm="marketplace.view_listing_details")
    attachments = [
        {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size,
         "url": reverse("marketplace:attachment", args=[a.pk])}
        for a in listing.attachments.defer("data")
    ]  # fmt: skip
    return {"id": listing.pk, "details": listing.details, "attachments": attachments,
            "confidentiality_statement": listing.confidentiality_statement}  # fmt: skip


@router_v1.get(
    "/marketplace/interests", response={200: list[InterestOut], **ERRORS}, auth=token_required, deprecated=True
)
@superseded
def list_interests(request: HttpRequest) -> Any:
    """The caller's expressions of interest, sent and received."""
    return _interests(request)


@router_v2.get("/marketplace/interests", response={200: list[InterestOut], **ERRORS}, auth=token_required)
@paginate(SequencePagination)
def interests_page(request: HttpRequest) -> Any:
    """The caller's expressions of interest, sent, then received."""
    return _interests(request)


def _interests(request: HttpRequest) -> list[dict[str, Any]]:
    sent = [{**_interest(i), "role": "sender"} for i in queries.interests_sent(request.user)]
    received = [{**_interest(i), "role": "owner"} for i in queries.interests_received(request.user)]
    return sent + received


def _interest(interest: Interest) -> dict[str, Any]:
    fields = ("id", "listing_id", "status", "stage", "decline_reason", "created_at")
    return {name: getattr(interest, name) for name in fields}


def _messages(interest: Interest, user: Any) -> list[dict[str, Any]]:
    return [
        {"id": m.pk, "author": str(m.author or ""), "mine": m.author_id == user.pk, "body": m.body,
         "created_at": m.created_at}
        for m in interest.messages.select_related("author")
    ]  # fmt: skip


@router_v1.get(
    "/marketplace/interests/{pk}/messages",
    response={200: list[MessageOut], **ERRORS},
    auth=token_required,
    deprecated=True,
)
@superseded
def list_messages(request: HttpRequest, pk: int) -> Any:
    """The thread of an accepted expression of interest: for its two parties only."""
    interest = domain.get_interest_for_user(request.user, pk, perm="marketplace.view_messages")
    return _messages(interest, request.user)


@router_v2.get("/marketplace/interests/{pk}/messages", response={200: list[MessageOut], **ERRORS}, auth=token_required)
@paginate(SequencePagination, page_size=100, max_page_size=500)
def messages_page(request: HttpRequest, pk: int) -> Any:
    """The thread of an accepted expression of interest, oldest first: for its two parties only."""
    interest = domain.get_interest_for_user(request.user, pk, perm="marketplace.view_messages")
    return _messages(interest, request.user)


# The POST shares its path with the list, so it is in both versions' routers (one URL, one view).
@router_v1.post(
    "/marketplace/interests/{pk}/messages",
    response={201: MessageOut, 429: ErrorOut, **ERRORS},
    auth=token_required,
)
@router_v2.post(
    "/marketplace/interests/{pk}/messages",
    response={201: MessageOut, 429: ErrorOut, **ERRORS},
    auth=token_required,
)
def post_message(request: HttpRequest, pk: int, payload: MessageIn) -> Any:
    interest = domain.get_interest_for_user(request.user, pk, perm="marketplace.send_message")
    if not payload.body.strip():
        raise ValidationError({"body": [_("Write a message.")]})
    try:
        message = domain.post_message(interest, author=request.user, body=payload.body)
    except domain.TooManyMessages:
        return Status(
            429,
            {
                "code": "rate_limited",
                "message": _("You have sent many messages in the last hour. Please wait a little."),
            },
        )
    out = {"id": message.pk, "author": str(request.user), "mine": True, "body": message.body,
           "created_at": message.created_at}  # fmt: skip
    return Status(201, out)
