"""What meetings led to, carried further: an agreement reached in a meeting becomes an
agreement draft or a project draft (or both) in the cooperation registry, submitted for
review (cooperation's workflow decides: a moderator's draft is published at once, anyone
else's waits for review)."""

from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from silkbridge.cooperation import rules as cooperation_rules
from silkbridge.cooperation.domain import save_record
from silkbridge.cooperation.enums import AgreementKind, PartnerRole
from silkbridge.cooperation.models import Agreement, Project
from silkbridge.core import audit
from silkbridge.events.enums import Outcome
from silkbridge.events.models import MeetingFeedback
from silkbridge.registry.models import Organisation


class OutcomeError(ValueError):
    """The outcome cannot be carried into the registry; the message says why."""


def _own_organisation(actor: Any) -> Organisation | None:
    """The organisation the actor submits for: theirs when they edit it, else the first one
    they edit (cooperation only takes records that include an organisation the actor edits)."""
    edited = cooperation_rules.edited_organisations(actor)
    if actor.organisation_id in edited:
        return actor.organisation
    return Organisation.objects.filter(pk__in=edited).order_by("name").first()


def _two_sides(feedback: MeetingFeedback, actor: Any, *, already: bool) -> tuple[Organisation, Organisation]:
    """The actor's organisation and the other side's, once every condition of carrying holds
    (else OutcomeError): the answer was "an agreement", this kind of draft was not carried
    yet, the actor edits an organisation and the other side's account names another one."""
    if feedback.outcome != Outcome.AGREEMENT:
        raise OutcomeError(_("Only a meeting that led to an agreement can be carried into the registry."))
    if already:
        raise OutcomeError(_("This agreement is already in the registry."))
    request = feedback.meeting.request
    other = request.recipient if feedback.registration_id == request.requester_id else request.requester
    own = _own_organisation(actor)
    if own is None:
        raise OutcomeError(_("Only an editor of an organisation in the registry can submit an agreement for it."))
    theirs = other.user.organisation if other.user_id and other.user else None
    if theirs is None or theirs.pk == own.pk:
        raise OutcomeError(_("The other side's organisation is not in the registry: add the agreement by hand."))
    return own, theirs


def carry_agreement_to_registry(feedback: MeetingFeedback, *, actor: Any) -> Agreement:
    """Submit an institutional agreement draft between the two sides' organisations, titled
    and summarised in the actor's language, and link it to `feedback` so that it is carried
    once. Refused (OutcomeError) as `_two_sides` says."""
    own, theirs = _two_sides(feedback, actor, already=feedback.agreement_id is not None)
    language = translation.get_language() or "en"
    title = _("Agreement between %(first)s and %(second)s") % {"first": own.name, "second": theirs.name}
    summary = _("Reached in a one-to-one meeting at %(event)s.") % {"event": feedback.meeting.event.title}
    data = {"kind": AgreementKind.INSTITUTIONAL, "titles": {language: title}, "summaries": {language: summary},
            "parties": ([], [own, theirs])}  # fmt: skip
    return _carry(feedback, Agreement(), "agreement", data, actor)


def carry_project_to_registry(feedback: MeetingFeedback, *, actor: Any) -> Project:
    """Submit a joint project draft of the two sides' organisations (the actor's coordinates,
    the other side's is a partner), titled and described in the actor's language, through
    the same review as any project, and link it to `feedback` so that it is carried once.
    Refused (OutcomeError) as `_two_sides` says; dates and funding are left to the review."""
    own, theirs = _two_sides(feedback, actor, already=feedback.project_id is not None)
    title = _("Joint project of %(first)s and %(second)s") % {"first": own.name, "second": theirs.name}
    abstract = _("Agreed in a one-to-one meeting at %(event)s.") % {"event": feedback.meeting.event.title}
    data = {"title": title[:500], "abstract": abstract,
            "partners": [(own, PartnerRole.COORDINATOR), (theirs, PartnerRole.PARTNER)]}  # fmt: skip
    return _carry(feedback, Project(), "project", data, actor)


def _carry(feedback: MeetingFeedback, record: Any, field: str, data: dict[str, Any], actor: Any) -> Any:
    """Submit ``record`` with ``data`` through the registry's review and link it to
    ``feedback`` as its ``field``, audited, in one transaction."""
    with transaction.atomic():
        save_record(record, data=data, actor=actor)
        setattr(feedback, field, record)
        feedback.save(update_fields=[field])
        audit.record(actor=actor, action="carry", obj=feedback, changes={field: [None, record.pk]})
    return record
