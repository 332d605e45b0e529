"""Writes to events: pages, the API, tasks and the `events` command call these. Each write
records one audit entry.

Concurrency: every change to an event's meetings first locks the event's row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite serialises writers anyway), so two organisers
editing at once are applied one after the other and each change is checked against the
state the other left. Registration locks the category's row, a request the requester's."""

from silkbridge.events.domain.base import MeetingRuleError, locked_event
from silkbridge.events.domain.checkin import CheckIn, check_in, describe_check_in, normalise_code
from silkbridge.events.domain.followup import (
    FollowUpError,
    clean_answer,
    delete_follow_up_question,
    follow_up_is_open,
    remind_unanswered,
    request_follow_up_reminders,
    save_follow_up_answers,
    save_follow_up_question,
    set_follow_up_deadline,
)
from silkbridge.events.domain.meetings import (
    cancel_meeting,
    import_instance,
    move_meeting,
    pin_meeting,
    place_meeting,
    publish_schedule,
    record_meeting_feedback,
    request_schedule,
    schedule_event,
    self_book_meeting,
    upper_bound,
)
from silkbridge.events.domain.outcomes import OutcomeError, carry_agreement_to_registry, carry_project_to_registry
from silkbridge.events.domain.programme import ProgrammeClash, delete_session, save_session
from silkbridge.events.domain.registration import (
    DelegationError,
    RegistrationError,
    accept_delegation,
    add_delegation_member,
    cancel_registration,
    invite_delegation,
    register_for_event,
    set_directory_listing,
)
from silkbridge.events.domain.requests import (
    RequestError,
    accept_meeting_request,
    decline_meeting_request,
    expire_requests,
    send_meeting_request,
)
from silkbridge.events.domain.setup import SetupError, save_event
from silkbridge.events.domain.versions import (
    ProgrammeError,
    latest_version,
    notify_bookmarkers,
    pending_changes,
    publish_programme,
    set_bookmark,
)

__all__ = [
    "CheckIn",
    "DelegationError",
    "FollowUpError",
    "MeetingRuleError",
    "OutcomeError",
    "ProgrammeClash",
    "ProgrammeError",
    "RegistrationError",
    "RequestError",
    "SetupError",
    "accept_delegation",
    "accept_meeting_request",
    "add_delegation_member",
    "cancel_meeting",
    "cancel_registration",
    "carry_agreement_to_registry",
    "carry_project_to_registry",
    "check_in",
    "clean_answer",
    "decline_meeting_request",
    "delete_follow_up_question",
    "delete_session",
    "describe_check_in",
    "expire_requests",
    "follow_up_is_open",
    "import_instance",
    "invite_delegation",
    "latest_version",
    "locked_event",
    "move_meeting",
    "normalise_code",
    "notify_bookmarkers",
    "pending_changes",
    "pin_meeting",
    "place_meeting",
    "publish_programme",
    "publish_schedule",
    "record_meeting_feedback",
    "register_for_event",
    "remind_unanswered",
    "request_follow_up_reminders",
    "request_schedule",
    "save_event",
    "save_follow_up_answers",
    "save_follow_up_question",
    "save_session",
    "schedule_event",
    "self_book_meeting",
    "send_meeting_request",
    "set_bookmark",
    "set_directory_listing",
    "set_follow_up_deadline",
    "upper_bound",
]
