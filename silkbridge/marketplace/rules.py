"""Who may do what in the marketplace: named predicates (django-rules), used alike by views,
templates and the API.

Tiers of disclosure: a published listing's summary is public; its details and attachments
are for the owning organisation's members, moderators, staff, and a member whose expression
of interest the owner accepted. Messages are for the two parties only (not even staff)."""

from typing import Any

import rules

from silkbridge.marketplace.enums import InterestStatus, ListingStatus
from silkbridge.registry.rules import is_member, is_moderator, is_staff


def _member_of(user: Any, organisation_id: int | None) -> bool:
    if not user.is_authenticated or organisation_id is None:
        return False
    return bool(user.memberships.filter(organisation_id=organisation_id).exists())


@rules.predicate
def is_listing_member(user: Any, listing: Any) -> bool:
    """A member (or editor) of the organisation that owns the listing."""
    return listing is not None and _member_of(user, listing.organisation_id)


@rules.predicate
def belongs_to_an_organisation(user: Any) -> bool:
    return user.is_authenticated and user.memberships.exists()


@rules.predicate
def is_published(user: Any, listing: Any) -> bool:
    return listing is not None and listing.status == ListingStatus.PUBLISHED


@rules.predicate
def is_draft(user: Any, listing: Any) -> bool:
    return listing is not None and listing.status == ListingStatus.DRAFT


@rules.predicate
def is_submitted(user: Any, listing: Any) -> bool:
    return listing is not None and listing.status == ListingStatus.SUBMITTED


@rules.predicate
def is_renewable(user: Any, listing: Any) -> bool:
    return listing is not None and listing.status in (ListingStatus.PUBLISHED, ListingStatus.EXPIRED)


@rules.predicate
def is_open_for_editing(user: Any, listing: Any) -> bool:
    return listing is not None and listing.status not in (ListingStatus.CLOSED,)


@rules.predicate
def is_accepted_party(user: Any, listing: Any) -> bool:
    """The sender of an accepted expression of interest in this listing."""
    if not user.is_authenticated or listing is None:
        return False
    return listing.interests.filter(sender=user, status=InterestStatus.ACCEPTED).exists()


@rules.predicate
def has_expressed_interest(user: Any, listing: Any) -> bool:
    return user.is_authenticated and listing is not None and listing.interests.filter(sender=user).exists()


@rules.predicate
def is_interest_sender(user: Any, interest: Any) -> bool:
    return user.is_authenticated and interest is not None and interest.sender_id == user.pk


@rules.predicate
def is_interest_owner(user: Any, interest: Any) -> bool:
    """A member of the organisation whose listing the interest is in."""
    return interest is not None and _member_of(user, interest.listing.organisation_id)


@rules.predicate
def is_pending(user: Any, interest: Any) -> bool:
    return interest is not None and interest.status == InterestStatus.PENDING


@rules.predicate
def is_accepted(user: Any, interest: Any) -> bool:
    return interest is not None and interest.status == InterestStatus.ACCEPTED


is_party = is_interest_sender | is_interest_owner

rules.add_perm("marketplace.add_listing", is_member & belongs_to_an_organisation)
rules.add_perm(
    "marketplace.view_listing",
    is_published | is_listing_member | is_moderator | is_staff | has_expressed_interest,
)
rules.add_perm("marketplace.view_listing_details", is_listing_member | is_moderator | is_staff | is_accepted_party)
rules.add_perm("marketplace.change_listing", (is_listing_member | is_staff) & is_open_for_editing)
rules.add_perm("marketplace.submit_listing", is_listing_member & is_draft)
rules.add_perm("marketplace.moderate_listing", (is_moderator | is_staff) & is_submitted)
rules.add_perm("marketplace.close_listing", (is_listing_member | is_staff) & is_published)
rules.add_perm("marketplace.renew_listing", is_listing_member & is_renewable)
rules.add_perm("marketplace.express_interest", is_member & is_published & ~is_listing_member & ~has_expressed_interest)
rules.add_perm("marketplace.view_moderation_queue", is_moderator | is_staff)
# who expressed interest is for the owning organisation only (not moderators or staff)
rules.add_perm("marketplace.view_listing_interests", is_listing_member)

rules.add_perm("marketplace.view_interest", is_party)
rules.add_perm("marketplace.decide_interest", is_interest_owner & is_pending)
rules.add_perm("marketplace.view_messages", is_party & is_accepted)
rules.add_perm("marketplace.send_message", is_party & is_accepted)
rules.add_perm("marketplace.change_stage", is_party & is_accepted)
# identities of both parties are disclosed to each other once the owner accepts
rules.add_perm("marketplace.view_interest_identity", (is_interest_owner & is_accepted) | is_interest_sender)
