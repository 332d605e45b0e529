"""Who may do what with organisations and experts: named predicates (django-rules).

Used alike by views, templates ({% has_perm %}) and the API, through user.has_perm.
"""

from typing import Any

import rules

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Viewer
from silkbridge.registry.enums import Visibility


@rules.predicate
def is_moderator(user: Viewer) -> bool:
    return bool(getattr(user, "is_moderator", False)) and user.is_active


@rules.predicate
def is_org_editor(user: Viewer, org: Any) -> bool:
    if not user.is_authenticated or org is None:
        return False
    return user.memberships.filter(organisation=org, role=MembershipRole.EDITOR).exists()


@rules.predicate
def is_profile_owner(user: Viewer, expert: Any) -> bool:
    return user.is_authenticated and expert is not None and expert.user_id == user.pk


def expert_audiences(user: Viewer) -> set[str]:
    """The profile visibilities a user sees: public ones to everyone, members-only ones to
    signed-in members, hidden ones to staff. (A profile's owner also sees their own, whatever
    its visibility; search lists only these audiences.) The one rule behind every page, the
    API, search and open data."""
    if user.is_authenticated and user.is_staff:
        return set(Visibility.values)
    if user.is_authenticated and user.is_active:
        return {Visibility.PUBLIC, Visibility.MEMBERS}
    return {Visibility.PUBLIC}


@rules.predicate
def profile_is_visible(user: Viewer, expert: Any) -> bool:
    return expert is not None and expert.visibility in expert_audiences(user)


is_member = rules.is_authenticated & rules.is_active
is_staff = rules.is_staff

# Organisations are public records; their member roster is for signed-in members;
# their contact address and editing are for their editors, moderators and staff.
rules.add_perm("registry.view_organisation", rules.always_allow)
rules.add_perm("registry.view_organisation_members", is_member)
rules.add_perm("registry.view_organisation_contact", is_org_editor | is_moderator | is_staff)
rules.add_perm("registry.change_organisation", is_org_editor | is_moderator | is_staff)
rules.add_perm("registry.delete_organisation", is_staff)

# Expert profiles: visibility chosen by the expert; contact details for the expert and staff only.
rules.add_perm(
    "registry.view_expert",
    profile_is_visible | is_profile_owner,
)
rules.add_perm("registry.view_expert_contact", is_profile_owner | is_staff)
rules.add_perm("registry.contact_expert", is_member & ~is_profile_owner)
rules.add_perm("registry.change_expert", is_profile_owner | is_staff)
rules.add_perm("registry.delete_expert", is_profile_owner | is_staff)
rules.add_perm("registry.add_expert", is_member)

# A signed-in person may ask to become an editor of an organisation; its editors, moderators
# and staff decide.
rules.add_perm("registry.request_editor_rights", is_member & ~is_org_editor)
rules.add_perm("registry.decide_editor_request", is_org_editor | is_moderator | is_staff)

# Finding and merging duplicate organisations (and undoing a merge) is moderation work.
rules.add_perm("registry.merge_organisation", is_moderator | is_staff)
