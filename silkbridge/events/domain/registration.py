"""Registration with a waiting list per category, and the meeting directory."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from silkbridge.accounts.models import User
from silkbridge.core import audit
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.models import Delegation, Event, Registration, RegistrationCategory

# --- Registration, with a waiting list per category ------------------------------------------


class RegistrationError(ValueError):
    """A registration that cannot be made; the message says why."""


def _notify(registration: Registration, *, promoted: bool = False) -> None:
    """E-mail the participant (after commit), in the language they registered in."""
    event = registration.event
    with translation.override(registration.language):
        if promoted:
            subject = _("A place at %(event)s is yours") % {"event": event.title}
            body = _("Dear %(name)s,\n\na place at %(event)s has freed up and is now yours: your registration "
                     "is confirmed (%(first)s to %(last)s, %(venue)s).")  # fmt: skip
        elif registration.status == RegistrationStatus.CONFIRMED:
            subject = _("Your registration for %(event)s is confirmed") % {"event": event.title}
            body = _("Dear %(name)s,\n\nyour place at %(event)s (%(first)s to %(last)s, %(venue)s) is confirmed.")
        else:
            subject = _("You are on the waiting list for %(event)s") % {"event": event.title}
            body = _("Dear %(name)s,\n\n%(event)s is full in your category. You are on the waiting list and "
                     "will receive an e-mail as soon as a place frees up.")  # fmt: skip
        body %= {"name": registration.name, "event": event.title, "first": event.starts_on,
                 "last": event.ends_on, "venue": event.venue or "-"}  # fmt: skip
        if registration.status == RegistrationStatus.CONFIRMED and event.follow_up_questions.exists():
            link = settings.SITE_URL + reverse("events:my_registration", args=[event.slug])
            body += "\n\n" + _("The organisers ask a few follow-up questions (a visa invitation letter, for example). "
                               "Please answer them on your registration page: %(link)s") % {"link": link}  # fmt: skip
    address = registration.user.email if registration.user else registration.email
    if address:
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]))


def _confirmed_in(category: RegistrationCategory) -> int:
    return category.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def register_for_event(*, event: Event, user: Any, category: RegistrationCategory, actor: Any) -> Registration:
    """Register `user` in `category`: confirmed while seats are left, else on the waiting
    list. The category's row is locked while seats are counted, so parallel registrations
    never exceed the capacity, and the waiting list keeps the order they arrived in."""
    with transaction.atomic():
        category = RegistrationCategory.objects.select_for_update().get(pk=category.pk, event=event)
        existing = event.registrations.filter(user=user).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            raise RegistrationError(_("You are already registered for this event."))
        full = category.capacity is not None and _confirmed_in(category) >= category.capacity
        registration = existing or Registration(event=event, user=user)
        registration.category = category
        registration.status = RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED
        registration.name = str(user)
        organisation = user.organisation
        registration.organisation_name = organisation.name if organisation else user.organisation_name
        registration.country = (organisation.country_id or "") if organisation else ""
        registration.language = translation.get_language() or "en"
        registration.created_at = timezone.now()  # a re-registration joins the end of the queue
        registration.save()
        Registration.objects.filter(pk=registration.pk).update(created_at=registration.created_at)
        audit.record(actor=actor, action="create", obj=registration, changes={"status": registration.status})
        _notify(registration)
    return registration


def cancel_registration(registration: Registration, *, actor: Any) -> Registration | None:
    """Cancel a registration; when it held a seat, the first on the category's waiting list
    takes it (and is told by e-mail). Returns the registration promoted, if any."""
    with transaction.atomic():
        category = (
            RegistrationCategory.objects.select_for_update().filter(pk=registration.category_id).first()
            if registration.category_id
            else None
        )
        held_seat = registration.status == RegistrationStatus.CONFIRMED
        Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED)
        audit.record(
            actor=actor, action="update", obj=registration, changes={"status": [registration.status, "cancelled"]}
        )
        registration.status = RegistrationStatus.CANCELLED
        if category is None or not held_seat:
            return None
        return _promote(category, actor=actor)


def _promote(category: RegistrationCategory, *, actor: Any) -> Registration | None:
    if category.capacity is not None and _confirmed_in(category) >= category.capacity:
        return None
    waiting = category.registrations.filter(status=RegistrationStatus.WAITING).order_by("created_at", "id").first()
    if waiting is None:
        return None
    waiting.status = RegistrationStatus.CONFIRMED
    waiting.save(update_fields=["status"])
    audit.record(actor=actor, action="update", obj=waiting, changes={"status": ["waiting", "confirmed"]})
    _notify(waiting, promoted=True)
    return waiting


def set_directory_listing(registration: Registration, *, opt_in: bool, pitch: str, actor: Any) -> Registration:
    """List (or unlist) a participant in the event's meeting directory."""
    changes = audit.diff({"b2b_opt_in": registration.b2b_opt_in, "pitch": registration.pitch},
                         {"b2b_opt_in": opt_in, "pitch": pitch})  # fmt: skip
    registration.b2b_opt_in, registration.pitch = opt_in, pitch
    registration.save(update_fields=["b2b_opt_in", "pitch"])
    audit.record(actor=actor, action="update", obj=registration, changes=changes)
    return registration


# --- Delegations: a head of delegation registers the country's members within a quota -----


class DelegationError(ValueError):
    """A delegation change that cannot be made; the message says why."""


def invite_delegation(*, event: Event, country: str, email: str, quota: int, link: str, actor: Any) -> Delegation:
    """Invite a country's head of delegation by e-mail; `link` is where they accept (the
    caller builds it from the delegation's token: pass "{token}" in it)."""
    with transaction.atomic():
        if event.delegations.filter(country=country.upper()).exists():
            raise DelegationError(_("This country already has a delegation."))
        delegation = Delegation.objects.create(event=event, country=country.upper(), head_email=email, quota=quota)
        audit.record(actor=actor, action="create", obj=delegation, changes={"head_email": [None, email]})
        subject = _("Invitation to lead your country's delegation to %(event)s") % {"event": event.title}
        body = _("You are invited to lead your country's delegation (up to %(quota)s people) to %(event)s. "
                 "Accept and register the members here: %(link)s")  # fmt: skip
        body %= {"quota": quota, "event": event.title, "link": link.format(token=delegation.token)}
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return delegation


def accept_delegation(delegation: Delegation, *, user: Any, actor: Any) -> Delegation:
    """The invited person becomes the head, and its first member."""
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().select_related("event").get(pk=delegation.pk)
        if delegation.head_id not in (None, user.pk):
            raise DelegationError(_("This delegation already has a head."))
        delegation.head = user
        delegation.save(update_fields=["head"])
        audit.record(actor=actor, action="update", obj=delegation, changes={"head": [None, str(user)]})
        if not delegation.event.registrations.filter(user=user).exclude(status=RegistrationStatus.CANCELLED).exists():
            category = _delegation_category(delegation.event)
            _add_member(delegation, name=str(user), email=user.email, organisation_name=_organisation_of(user),
                        category=category, actor=actor)  # fmt: skip
    return delegation


def _organisation_of(user: Any) -> str:
    return user.organisation.name if user.organisation else user.organisation_name


def _delegation_category(event: Event) -> RegistrationCategory:
    category = event.categories.filter(category="official").first() or event.categories.first()
    if category is None:
        raise DelegationError(_("The event has no registration category yet."))
    return category


def add_delegation_member(
    delegation: Delegation, *, name: str, email: str, organisation_name: str, category: RegistrationCategory,
    actor: Any,
) -> Registration:  # fmt: skip
    """Register a member of the delegation (confirmed while the category has places, else
    waiting). The delegation's row is locked while its quota is counted."""
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().select_related("event").get(pk=delegation.pk)
        return _add_member(delegation, name=name, email=email, organisation_name=organisation_name,
                           category=category, actor=actor)  # fmt: skip


def _add_member(
    delegation: Delegation, *, name: str, email: str, organisation_name: str, category: RegistrationCategory,
    actor: Any,
) -> Registration:  # fmt: skip
    event = delegation.event
    if delegation.members.exclude(status=RegistrationStatus.CANCELLED).count() >= delegation.quota:
        raise DelegationError(_("The delegation's quota of %(quota)s is reached.") % {"quota": delegation.quota})
    user = User.objects.filter(email__iexact=email).first()
    taken = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
    if (user and taken.filter(user=user).exists()) or taken.filter(email__iexact=email).exists():
        raise DelegationError(_("%(email)s is already registered for this event.") % {"email": email})
    category = RegistrationCategory.objects.select_for_update().get(pk=category.pk, event=event)
    full = category.capacity is not None and _confirmed_in(category) >= category.capacity
    registration = Registration.objects.create(
        event=event, user=user, email=email, name=name, organisation_name=organisation_name,
        country=delegation.country, category=category, delegation=delegation,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
        language=translation.get_language() or "en",
    )  # fmt: skip
    audit.record(actor=actor, action="create", obj=registration, changes={"delegation": delegation.country})
    _notify(registration)
    return registration
