"""Who may do what with events: named predicates (django-rules), used alike by views,
templates ({% has_perm %}) and the API through user.has_perm.

- Users with the event-organiser role create events; an event's organisers (and staff)
  change it, see its registrations and run, edit and publish its schedule.
- A confirmed participant sees the meeting directory, requests meetings and sees their
  own requests, meetings and agenda; only a request's recipient answers it.
- An event's organisers (and staff) print every badge and check participants in; a
  confirmed participant downloads their own badge.
- The organisers ask follow-up questions and read every answer (passport details
  included); a confirmed participant answers and reads their own, nobody else sees any.
- Everybody sees public events and their published programme; confirmed participants
  bookmark its sessions."""

from typing import Any

import rules

from silkbridge.events.enums import RegistrationStatus, RequestStatus


@rules.predicate
def has_organiser_role(user: Any) -> bool:
    return user.is_authenticated and user.is_active and bool(getattr(user, "is_event_organiser", False))


@rules.predicate
def organises(user: Any, event: Any) -> bool:
    if not user.is_authenticated or event is None:
        return False
    return event.organisers.filter(pk=user.pk).exists()


@rules.predicate
def event_is_public(user: Any, event: Any) -> bool:
    return event is not None and event.is_public


@rules.predicate
def is_confirmed_participant(user: Any, event: Any) -> bool:
    if not user.is_authenticated or event is None:
        return False
    return event.registrations.filter(user=user, status=RegistrationStatus.CONFIRMED).exists()


@rules.predicate
def is_request_recipient(user: Any, request: Any) -> bool:
    return user.is_authenticated and request is not None and request.recipient.user_id == user.pk


@rules.predicate
def is_request_party(user: Any, request: Any) -> bool:
    if not user.is_authenticated or request is None:
        return False
    return user.pk in (request.requester.user_id, request.recipient.user_id)


@rules.predicate
def request_is_bookable(user: Any, request: Any) -> bool:
    """Accepted, without a meeting yet, and the event's self-booking is open."""
    return (
        request is not None
        and request.status == RequestStatus.ACCEPTED
        and request.event.self_booking_open
        and not hasattr(request, "meeting")
    )


@rules.predicate
def organises_event_of(user: Any, obj: Any) -> bool:
    """For a request or meeting: the user organises its event."""
    return obj is not None and organises(user, obj.event)


@rules.predicate
def heads_delegation(user: Any, delegation: Any) -> bool:
    return user.is_authenticated and delegation is not None and delegation.head_id == user.pk


is_staff = rules.is_staff
manages = organises | is_staff

rules.add_perm("events.add_event", has_organiser_role | is_staff)
rules.add_perm("events.view_event", event_is_public | manages)
rules.add_perm("events.change_event", manages)
rules.add_perm("events.view_registrations", manages)
rules.add_perm("events.manage_schedule", manages)
rules.add_perm("events.view_report", manages)
rules.add_perm("events.invite_delegation", manages)
rules.add_perm("events.print_badges", manages)
rules.add_perm("events.check_in", manages)
rules.add_perm("events.manage_delegation", heads_delegation | organises_event_of | is_staff)
rules.add_perm("events.register", rules.is_authenticated & event_is_public)
rules.add_perm("events.view_directory", is_confirmed_participant | manages)
rules.add_perm("events.request_meeting", is_confirmed_participant)
rules.add_perm("events.view_request", is_request_party | organises_event_of | is_staff)
rules.add_perm("events.answer_request", is_request_recipient)
# Follow-up answers hold passport details: the organisers read everybody's, a participant
# only their own (through their registration), a head of delegation nobody's.
rules.add_perm("events.manage_follow_up", manages)
rules.add_perm("events.answer_follow_up", is_confirmed_participant)
rules.add_perm("events.bookmark_session", is_confirmed_participant)
rules.add_perm("events.book_meeting", is_request_party & request_is_bookable)
