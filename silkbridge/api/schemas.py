from datetime import date
from typing import Any

from ninja import Field as SchemaField
from ninja import Schema


class CountryOut(Schema):
    code: str
    alpha3: str
    numeric: str
    name_en: str
    is_partner: bool
    partner_since: date | None
    partner_is_demo: bool


class FieldOut(Schema):
    code: str
    level: int
    parent: str | None = SchemaField(None, alias="parent_id")
    names: dict[str, str]


class OrganisationOut(Schema):
    id: int
    ror_id: str | None
    name: str
    names: dict[str, str]
    aliases: list[str]
    acronyms: list[str]
    type: str = SchemaField(..., alias="kind")
    status: str
    country: str | None = SchemaField(None, alias="country_id")
    city: str
    website: str
    established: int | None


class OrganisationDetailOut(OrganisationOut):
    description: str
    fields: list[str]
    contact_email: str | None = SchemaField(
        None, description="Only for the organisation's editors, moderators and staff."
    )
    members: list[str] | None = SchemaField(None, description="People acting for it; only for signed-in members.")

    @staticmethod
    def resolve_members(obj: Any, context: dict[str, Any]) -> list[str] | None:
        if not context["request"].user.has_perm("registry.view_organisation_members", obj):
            return None
        return [m.user.public_name for m in obj.memberships.select_related("user")]

    @staticmethod
    def resolve_fields(obj: Any) -> list[str]:
        return [f.code for f in obj.fields.all()]

    @staticmethod
    def resolve_contact_email(obj: Any, context: dict[str, Any]) -> str | None:
        allowed = context["request"].user.has_perm("registry.view_organisation_contact", obj)
        return obj.contact_email if allowed else None


class OrganisationPatch(Schema):
    name: str | None = None
    type: str | None = None
    country: str | None = None
    city: str | None = None
    website: str | None = None
    established: int | None = None
    description: str | None = None
    fields: list[str] | None = None
    contact_email: str | None = None


class ExpertOut(Schema):
    id: int
    name: str
    country: str | None = SchemaField(None, alias="country_id")
    affiliations: list[int]
    fields: list[str]
    keywords: list[str]
    languages: list[str]
    bio: str
    visibility: str
    is_demo: bool
    email: str | None = SchemaField(None, description="Only for the expert and staff.")
    phone: str | None = SchemaField(None, description="Only for the expert and staff.")

    @staticmethod
    def resolve_affiliations(obj: Any) -> list[int]:
        return [o.pk for o in obj.affiliations.all()]

    @staticmethod
    def resolve_fields(obj: Any) -> list[str]:
        return [f.code for f in obj.fields.all()]

    @staticmethod
    def resolve_email(obj: Any, context: dict[str, Any]) -> str | None:
        return obj.email if context["request"].user.has_perm("registry.view_expert_contact", obj) else None

    @staticmethod
    def resolve_phone(obj: Any, context: dict[str, Any]) -> str | None:
        return obj.phone if context["request"].user.has_perm("registry.view_expert_contact", obj) else None


class ExpertPatch(Schema):
    name: str | None = None
    country: str | None = None
    bio: str | None = None
    keywords: list[str] | None = None
    languages: list[str] | None = None
    email: str | None = None
    phone: str | None = None
    visibility: str | None = None


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    is_staff: bool
    is_moderator: bool
    is_event_organiser: bool
    organisations: list[dict[str, str | int]]


class ErrorOut(Schema):
    code: str = SchemaField(
        description="unauthorized, forbidden, not_found, invalid, throttled or server_error; never translated."
    )
    message: str = SchemaField(description="In the language of the Accept-Language header.")
    details: Any = SchemaField(
        None, description="invalid: the errors per field or parameter; throttled: {retry_after: seconds}."
    )


# The error responses every operation may give, for the contract.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
