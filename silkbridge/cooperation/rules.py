"""Who may change cooperation records: editors of an organisation involved, moderators, staff.

An organisation is involved when it is a party (agreements) or a partner (labs, centres,
projects). Records whose parties are only countries are changed by moderators and staff."""

from typing import Any

import rules

from silkbridge.accounts.enums import MembershipRole
from silkbridge.registry.rules import is_moderator, is_staff


@rules.predicate
def edits_an_involved_organisation(user: Any, record: Any) -> bool:
    if not user.is_authenticated or record is None:
        return False
    edited = set(user.memberships.filter(role=MembershipRole.EDITOR).values_list("organisation_id", flat=True))
    return bool(edited & record.involved_organisation_ids())


@rules.predicate
def edits_any_organisation(user: Any) -> bool:
    return user.is_authenticated and user.memberships.filter(role=MembershipRole.EDITOR).exists()


rules.add_perm("cooperation.add_record", edits_any_organisation | is_moderator | is_staff)
rules.add_perm("cooperation.change_record", edits_an_involved_organisation | is_moderator | is_staff)
rules.add_perm("cooperation.delete_record", is_moderator | is_staff)
rules.add_perm("cooperation.import_records", is_moderator | is_staff)
