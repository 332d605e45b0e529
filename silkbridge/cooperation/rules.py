"""Who may change cooperation records: editors of an organisation involved, moderators, staff.

An organisation is involved when it is a party (agreements) or a partner (labs, centres,
projects). Records whose parties are only countries are changed by moderators and staff."""

from typing import Any

import rules

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import User, Viewer
from silkbridge.registry.rules import is_moderator, is_staff


@rules.predicate
def edits_an_involved_organisation(user: Viewer, record: Any) -> bool:
    if not user.is_authenticated or record is None:
        return False
    edited = set(user.memberships.filter(role=MembershipRole.EDITOR).values_list("organisation_id", flat=True))
    return bool(edited & record.involved_organisation_ids())


@rules.predicate
def edits_any_organisation(user: Viewer) -> bool:
    return user.is_authenticated and user.memberships.filter(role=MembershipRole.EDITOR).exists()


rules.add_perm("cooperation.add_record", edits_any_organisation | is_moderator | is_staff)
rules.add_perm("cooperation.change_record", edits_an_involved_organisation | is_moderator | is_staff)
rules.add_perm("cooperation.delete_record", is_moderator | is_staff)
rules.add_perm("cooperation.import_records", is_moderator | is_staff)


def edited_organisations(user: Viewer | None) -> set[int]:
    if not isinstance(user, User) or not user.is_authenticated:
        return set()
    return set(user.memberships.filter(role=MembershipRole.EDITOR).values_list("organisation_id", flat=True))


def party_violation(user: Viewer | None, record: Any, data: dict[str, Any]) -> str | None:
    """Why `user` may not give `record` the parties in `data` (form domain data), or None.

    Editors act only for the organisations they edit: a record they create or change must
    keep one of those among its parties, they may never remove an organisation they do not
    edit, and the country parties of an agreement (governments) are set by moderators and
    staff only. A command-line import (no user), moderators and staff are not limited."""
    from django.utils.translation import gettext as _

    if user is None or is_moderator(user) or user.is_staff:
        return None
    if "partners" in data:
        new_orgs, new_countries = {org.pk for org, _role in data["partners"]}, None
    elif "parties" in data:
        countries, organisations = data["parties"]
        new_orgs, new_countries = {org.pk for org in organisations}, set(countries)
    else:
        return None
    old_orgs: set[int] = record.involved_organisation_ids() if record.pk else set()
    old_countries = (
        {p.country_id for p in record.parties.all() if p.country_id}
        if record.pk and not record.partnership_field
        else set()
    )
    edited = edited_organisations(user)
    if new_countries is not None and new_countries != old_countries:
        return _("Only moderators may set the country parties of an agreement.")
    removed = sorted((old_orgs - new_orgs) - edited)
    if removed:
        from silkbridge.registry.models import Organisation

        names = ", ".join(Organisation.objects.filter(pk__in=removed).values_list("name", flat=True))
        return _("You may not remove an organisation you do not edit: %(names)s.") % {"names": names}
    if not new_orgs & edited:
        return _("A record you create or change must include an organisation you edit.")
    return None
