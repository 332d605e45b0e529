"""Meeting requests: sent within the cap, answered by the recipient, expired on time."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from silkbridge.core import audit
from silkbridge.events.enums import RegistrationStatus, RequestStatus
from silkbridge.events.models import (
    MeetingRequest,
    Registration,
)

# --- Meeting requests ------------------------------------------------------------------------


class RequestError(ValueError):
    """A meeting request that may not be sent or answered; the message says why."""


OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


def send_meeting_request(
    *, requester: Registration, recipient: Registration, reason: str, actor: Any
) -> MeetingRequest:
    """Ask `recipient` for a meeting. The requester's row is locked while the cap is checked,
    so parallel requests cannot pass it; pending and accepted requests count against it."""
    with transaction.atomic():
        requester = Registration.objects.select_for_update().select_related("event").get(pk=requester.pk)
        event = requester.event
        if recipient.pk == requester.pk:
            raise RequestError(_("You cannot ask yourself for a meeting."))
        if recipient.event_id != event.pk or not recipient.b2b_opt_in:
            raise RequestError(_("This participant does not take meeting requests."))
        if requester.status != RegistrationStatus.CONFIRMED or recipient.status != RegistrationStatus.CONFIRMED:
            raise RequestError(_("Only confirmed participants can meet."))
        pair = Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester)
        if event.meeting_requests.filter(pair, status__in=OPEN_STATUSES).exists():
            raise RequestError(_("There is already a request between you two."))
        used = event.meeting_requests.filter(requester=requester, status__in=OPEN_STATUSES).count()
        if event.request_cap is not None and used >= event.request_cap:
            raise RequestError(
                _("You have reached the limit of %(cap)s open or accepted requests.") % {"cap": event.request_cap}
            )
        now = timezone.now()
        request = MeetingRequest.objects.create(
            event=event,
            requester=requester,
            recipient=recipient,
            reason=reason[:300],
            expires_at=now + timedelta(hours=event.request_expiry_hours),
        )
        audit.record(actor=actor, action="create", obj=request, changes={"reason": reason[:300]})
    return request


def _answer(request: MeetingRequest, *, status: str, decline_reason: str, actor: Any) -> MeetingRequest:
    with transaction.atomic():
        claimed = MeetingRequest.objects.filter(pk=request.pk, status=RequestStatus.PENDING).update(
            status=status, decline_reason=decline_reason, answered_at=timezone.now()
        )
        if not claimed:
            raise RequestError(_("This request has already been answered or has expired."))
        request.refresh_from_db()
        audit.record(actor=actor, action="update", obj=request, changes={"status": [RequestStatus.PENDING, status]})
    return request


def accept_meeting_request(request: MeetingRequest, *, actor: Any) -> MeetingRequest:
    return _answer(request, status=RequestStatus.ACCEPTED, decline_reason="", actor=actor)


def decline_meeting_request(request: MeetingRequest, *, reason: str, actor: Any) -> MeetingRequest:
    return _answer(request, status=RequestStatus.DECLINED, decline_reason=reason, actor=actor)


def expire_requests(*, now: datetime | None = None) -> int:
    """Expire every pending request past its time; returns how many. Idempotent: each
    request is claimed by an atomic UPDATE from pending, so two runs never expire it twice."""
    now = now or timezone.now()
    due = list(
        MeetingRequest.objects.filter(status=RequestStatus.PENDING, expires_at__lte=now).values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            if MeetingRequest.objects.filter(pk=pk, status=RequestStatus.PENDING).update(
                status=RequestStatus.EXPIRED, answered_at=now
            ):
                request = MeetingRequest.objects.get(pk=pk)
                audit.record(
                    actor=None, action="expire", obj=request, changes={"status": [RequestStatus.PENDING, "expired"]}
                )
                expired += 1
    return expired
