"""Writes to the registry. Pages, the API and commands all call these functions;
each checks nothing about permissions (callers use the access getters) and records
one audit entry."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Model, ProtectedError
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership, User, Viewer
from silkbridge.core import audit
from silkbridge.core.models import AuditEntry
from silkbridge.registry.enums import EditorRequestStatus
from silkbridge.registry.models import EditorRequest, Expert, Organisation
from silkbridge.registry.queries import visible_experts

# Contact details never enter the (public) history of a record.
PRIVATE_FIELDS = {"contact_email", "email", "phone"}
MASK = "•••"


def _save_with_audit(obj: Any, *, data: dict[str, Any], actor: User | None, action: str) -> dict[str, list[Any]]:
    names = list(data)
    before = audit.snapshot(obj, names) if obj.pk else {}
    many = {k: v for k, v in data.items() if k in _m2m_names(obj)}
    for key, value in data.items():
        if key not in many:
            setattr(obj, key, value)
    obj.refresh_search_text()
    obj.save()
    for key, value in many.items():
        getattr(obj, key).set(value)
    changes = audit.diff(before, audit.snapshot(obj, names))
    for key in PRIVATE_FIELDS & changes.keys():
        changes[key] = [MASK, MASK]  # the history is public: record that it changed, not the value
    if changes or action == "create":
        audit.record(actor=actor, action=action, obj=obj, changes=changes)
    return changes


def _m2m_names(obj: Model) -> set[str]:
    return {f.name for f in obj._meta.many_to_many}


@transaction.atomic
def update_organisation(org: Organisation, *, data: dict[str, Any], actor: User | None) -> dict[str, list[Any]]:
    """Apply validated form/API data; returns the audited changes (empty when nothing changed)."""
    return _save_with_audit(org, data=data, actor=actor, action="update")


@transaction.atomic
def delete_organisation(org: Organisation, *, actor: User | None) -> None:
    """Delete an organisation that no record refers to; ValidationError (nothing changed)
    when cooperation records or other protected references name it: merge it instead."""
    audit.record(actor=actor, action="delete", obj=org, changes={"name": [org.name, None]})
    try:
        org.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "This organisation takes part in cooperation records, so it cannot be deleted; merge it into another one instead."  # noqa: E501
            ),
            code="protected",
        ) from None


@transaction.atomic
def create_expert(*, data: dict[str, Any], actor: User | None) -> Expert:
    """Create the actor's own profile (one per user)."""
    if Expert.objects.filter(user=actor).exists():
        raise ValueError(_("You already have an expert profile."))
    expert = Expert(user=actor)
    _save_with_audit(expert, data=data, actor=actor, action="create")
    return expert


@transaction.atomic
def update_expert(expert: Expert, *, data: dict[str, Any], actor: User | None) -> dict[str, list[Any]]:
    return _save_with_audit(expert, data=data, actor=actor, action="update")


@transaction.atomic
def delete_expert(expert: Expert, *, actor: User | None) -> None:
    audit.record(actor=actor, action="delete", obj=expert, changes={"name": [expert.name, None]})
    expert.delete()


class TooManyMessages(Exception):
    """The sender reached the daily limit of messages to experts."""


MESSAGES_PER_DAY = 10


def contact_expert(expert: Expert, *, sender: Any, message: str) -> None:
    """E-mail the expert in their own language without showing their address to the sender.

    The sender's address goes in Reply-To so that the expert decides whether to answer.
    At most MESSAGES_PER_DAY messages per sender in 24 hours (counted in the audit log),
    so that the contact form cannot be used to spam experts.
    """
    with transaction.atomic():
        # One sender's messages are counted one at a time: the sender's row is locked until
        # this message is recorded (PostgreSQL; SQLite's immediate transactions already
        # serialise every write), so that concurrent requests cannot all pass the count.
        User.objects.select_for_update().filter(pk=sender.pk).first()
        since = timezone.now() - timedelta(days=1)
        if AuditEntry.objects.filter(actor=sender, action="contact", created_at__gte=since).count() >= MESSAGES_PER_DAY:
            raise TooManyMessages
        audit.record(actor=sender, action="contact", obj=expert, changes={})
    site_languages = {code for code, _name in settings.LANGUAGES}
    spoken = [code for code in expert.languages if code in site_languages]
    name = " ".join(str(sender).split())  # no line break may reach a mail header
    with translation.override(spoken[0] if spoken else settings.LANGUAGE_CODE):
        subject = _("Silkbridge: %(name)s would like to contact you") % {"name": name}
        body = render_to_string(
            "registry/email/contact_expert.txt", {"expert": expert, "sender": sender, "message": message}
        )
    EmailMessage(subject, body, to=[expert.email], reply_to=[sender.email]).send()


def get_organisation_for_user(user: Viewer, pk: int, *, write: bool = False) -> Organisation:
    """The organisation, or 404 when it does not exist, or 403 when write access is refused."""
    org = Organisation.objects.select_related("country").filter(pk=pk).first()
    if org is None:
        raise Http404
    if write and not user.has_perm("registry.change_organisation", org):
        raise PermissionDenied
    return org


def get_expert_for_user(user: Viewer, pk: int, *, write: bool = False) -> Expert:
    """404 for profiles the user may not see (their existence is not revealed), 403 for writes."""
    expert = visible_experts(user).select_related("country", "user").filter(pk=pk).first()
    if expert is None:
        raise Http404
    if write and not user.has_perm("registry.change_expert", expert):
        raise PermissionDenied
    return expert


@transaction.atomic
def request_editor_rights(organisation: Organisation, *, actor: Any) -> EditorRequest:
    """Ask for editor rights; an open request is returned as it is (never two at once)."""
    open_request = EditorRequest.objects.filter(
        user=actor, organisation=organisation, status=EditorRequestStatus.PENDING
    ).first()
    if open_request is not None:
        return open_request
    request = EditorRequest.objects.create(user=actor, organisation=organisation)
    audit.record(actor=actor, action="request_editor_rights", obj=organisation, changes={"user": [None, str(actor)]})
    return request


@transaction.atomic
def decide_editor_request(request: EditorRequest, *, accept: bool, actor: Any) -> None:
    """Accept (the person becomes an editor of the organisation) or decline a pending
    request; the person is told by e-mail after commit."""
    if request.status != EditorRequestStatus.PENDING:
        return
    request.status = EditorRequestStatus.ACCEPTED if accept else EditorRequestStatus.DECLINED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        Membership.objects.update_or_create(
            user=request.user, organisation=request.organisation, defaults={"role": MembershipRole.EDITOR}
        )
    audit.record(actor=actor, action="decide_editor_request", obj=request.organisation,
                 changes={"user": [None, str(request.user)], "status": [None, request.status]})  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your request to edit %(name)s") % {"name": request.organisation.name}
        body = render_to_string("registry/email/editor_request_decided.txt", {"request": request})
    recipient = request.user.email
    transaction.on_commit(lambda: EmailMessage(subject, body, to=[recipient]).send())
