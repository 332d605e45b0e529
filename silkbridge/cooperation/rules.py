"""Who may change cooperation records: editors of an organisation involved, programme
officers of a country party (intergovernmental agreements), moderators, staff.

An organisation is involved when it is a party (agreements) or a partner (labs, centres,
projects). Records whose parties are only countries are changed by those countries'
programme officers, moderators and staff. Moderators and staff publish; what others create
or change waits for review (see domain.py)."""

from typing import Any

import rules

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import User, Viewer
from silkbridge.cooperation.enums import AgreementKind
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


def officer_countries(user: Any) -> set[str]:
    """The countries whose programme officer `user` is (a role staff grant per country)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.programme_countries.values_list("country_id", flat=True))


@rules.predicate
def is_programme_officer(user: Any) -> bool:
    return bool(officer_countries(user))


@rules.predicate
def is_officer_of_a_party(user: Any, record: Any) -> bool:
    if record is None or record.partnership_field:
        return False
    return bool(officer_countries(user) & {p.country_id for p in record.parties.all() if p.country_id})


@rules.predicate
def never_published(user: Any, record: Any) -> bool:
    return record is not None and not record.is_published


@rules.predicate
def awaits_review(user: Any, record: Any) -> bool:
    return record is not None and record.awaits_review


may_change = edits_an_involved_organisation | is_officer_of_a_party | is_moderator | is_staff
rules.add_perm("cooperation.add_record", edits_any_organisation | is_programme_officer | is_moderator | is_staff)
rules.add_perm("cooperation.change_record", may_change)
# A submission that was never published may be deleted by whoever may change it.
rules.add_perm("cooperation.delete_record", is_moderator | is_staff | (never_published & may_change))
rules.add_perm("cooperation.import_records", is_moderator | is_staff)
rules.add_perm("cooperation.publish_record", is_moderator | is_staff)
rules.add_perm("cooperation.withdraw_record", awaits_review & may_change)


@rules.predicate
def may_change_its_record(user: Any, output: Any) -> bool:
    """Outputs are changed by whoever may change their lab, centre or project."""
    return output is not None and bool(may_change.test(user, output.record))


# Outputs: added and changed by whoever may change their record, reviewed like records.
rules.add_perm("cooperation.change_output", may_change_its_record)
rules.add_perm("cooperation.delete_output", is_moderator | is_staff | (never_published & may_change_its_record))
rules.add_perm("cooperation.withdraw_output", awaits_review & may_change_its_record)


def edited_organisations(user: Viewer | None) -> set[int]:
    if not isinstance(user, User) or not user.is_authenticated:
        return set()
    return set(user.memberships.filter(role=MembershipRole.EDITOR).values_list("organisation_id", flat=True))


def party_violation(user: Viewer | None, record: Any, data: dict[str, Any]) -> str | None:
    """Why `user` may not give `record` the parties in `data` (form domain data), or None.

    Editors act only for the organisations they edit: a record they create or change must
    keep one of those among its parties, they may never remove an organisation they do not
    edit. The country parties of an agreement (governments) are set by moderators, staff and
    the programme officers of one of those countries; an intergovernmental agreement is
    submitted by them only. A command-line import (no user), moderators and staff are not
    limited."""
    from django.utils.translation import gettext as _

    if user is None or is_moderator(user) or user.is_staff:
        return None
    country_violation = _country_violation(user, record, data)
    if country_violation is not None:
        return country_violation or None
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


def _country_violation(user: Any, record: Any, data: dict[str, Any]) -> str | None:
    """For an agreement's parties: why `user` may not set them; "" when a programme officer
    of one of its countries acts for it (the organisation rules then do not apply); None
    when countries are not the question."""
    from django.utils.translation import gettext as _

    if "parties" not in data:
        return None
    new_countries = set(data["parties"][0])
    old_countries = {p.country_id for p in record.parties.all() if p.country_id} if record.pk else set()
    intergovernmental = (data.get("kind") or getattr(record, "kind", "")) == AgreementKind.INTERGOVERNMENTAL
    if not (new_countries or old_countries or intergovernmental):
        return None
    officer = officer_countries(user)
    if new_countries & officer and (not old_countries or old_countries & officer):
        return ""
    if intergovernmental:
        return _(
            "An intergovernmental agreement is submitted by a programme officer of one of its countries or by a "
            "moderator."
        )
    if new_countries == old_countries:
        return None
    return _("Only moderators and the programme officers of a party may set the country parties of an agreement.")
