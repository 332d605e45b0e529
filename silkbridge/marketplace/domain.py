"""Writes to the marketplace: pages, the API and commands call these. Each records one audit
entry; none checks permissions (callers use the access getters below and ``rules``)."""

from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from silkbridge.cooperation import domain as cooperation
from silkbridge.cooperation.enums import AgreementKind, PartnerRole
from silkbridge.cooperation.models import Agreement, Project
from silkbridge.core import audit
from silkbridge.marketplace.enums import InterestStatus, LeadStage, ListingStatus
from silkbridge.marketplace.models import Attachment, Interest, Listing, Message, SavedSearch

# A listing runs at most this long from publication or renewal; owners are reminded before.
MAX_RUN = timedelta(days=365)
REMIND_BEFORE = timedelta(days=14)
# Messages a person may send in an hour, over all their threads (spam and abuse brake).
MESSAGES_PER_HOUR = 20
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
# Accepted files by their first bytes (the declared type and the file name are not trusted).
SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
RELATIONS = {"fields", "countries"}


class TooManyMessages(Exception):
    """The author reached MESSAGES_PER_HOUR."""


# Access-checked getters -------------------------------------------------------------------


def get_listing_for_user(user: Any, pk: int, *, perm: str = "marketplace.view_listing") -> Listing:
    """The listing, or 404 when it does not exist or the user may not see it (a draft's
    existence is not revealed), or 403 when the user may see it but not do ``perm``."""
    listing = Listing.objects.select_related("organisation__country", "poster").filter(pk=pk).first()
    if listing is None or not user.has_perm("marketplace.view_listing", listing):
        raise Http404
    if perm != "marketplace.view_listing" and not user.has_perm(perm, listing):
        raise PermissionDenied
    return listing


def get_interest_for_user(user: Any, pk: int, *, perm: str = "marketplace.view_interest") -> Interest:
    """The expression of interest, or 404 for anyone but its two parties, or 403 when a party
    may not do ``perm``."""
    interest = Interest.objects.select_related("listing__organisation", "sender", "organisation").filter(pk=pk).first()
    if interest is None or not user.has_perm("marketplace.view_interest", interest):
        raise Http404
    if perm != "marketplace.view_interest" and not user.has_perm(perm, interest):
        raise PermissionDenied
    return interest


def get_attachment_for_user(user: Any, pk: int) -> Attachment:
    """An attachment for those entitled to the listing's details; 404 for anyone else."""
    attachment = Attachment.objects.select_related("listing").filter(pk=pk).first()
    if attachment is None or not user.has_perm("marketplace.view_listing_details", attachment.listing):
        raise Http404
    return attachment


# Listings ---------------------------------------------------------------------------------


def _snapshot(listing: Listing) -> dict[str, Any]:
    values = audit.snapshot(listing, skip={"created_at", "updated_at", "search_text", "details"})
    # details are confidential: the history records that they changed, never the text
    values["details"] = sorted(listing.details)
    if listing.pk:
        values["fields"] = sorted(listing.fields.values_list("code", flat=True))
        values["countries"] = sorted(listing.countries.values_list("code", flat=True))
    return values


def _apply(listing: Listing, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in RELATIONS:
            setattr(listing, key, value)
    listing.languages = sorted({*listing.titles, *listing.summaries, *listing.details})
    listing.refresh_search_text()
    listing.save()
    for key in RELATIONS & data.keys():
        getattr(listing, key).set(data[key] or [])


@transaction.atomic
def create_listing(*, data: dict[str, Any], actor: Any) -> Listing:
    """A draft owned by ``data["organisation"]`` and posted by ``actor``."""
    listing = Listing(poster=actor, status=ListingStatus.DRAFT)
    _apply(listing, data)
    audit.record(actor=actor, action="create", obj=listing)
    return listing


@transaction.atomic
def update_listing(listing: Listing, *, data: dict[str, Any], actor: Any) -> dict[str, list[Any]]:
    """Edit in any state but closed; a published listing stays published (and is re-indexed)."""
    before = _snapshot(listing)
    _apply(listing, data)
    changes = audit.diff(before, _snapshot(listing))
    if changes:
        audit.record(actor=actor, action="update", obj=listing, changes=changes)
    return changes


def _transition(listing: Listing, *, status: str, actor: Any, action: str, **values: Any) -> None:
    before = {"status": listing.status, **{k: audit.plain(getattr(listing, k)) for k in values}}
    listing.status = status
    for key, value in values.items():
        setattr(listing, key, value)
    listing.save()
    after = {"status": status, **{k: audit.plain(v) for k, v in values.items()}}
    audit.record(actor=actor, action=action, obj=listing, changes=audit.diff(before, after))


@transaction.atomic
def submit_listing(listing: Listing, *, actor: Any) -> None:
    _transition(listing, status=ListingStatus.SUBMITTED, actor=actor, action="submit")


@transaction.atomic
def publish_listing(listing: Listing, *, actor: Any) -> None:
    """Publish after moderation; the expiry is kept within MAX_RUN of today."""
    today = timezone.localdate()
    expires = min(listing.expires_on, today + MAX_RUN) if listing.expires_on > today else today + MAX_RUN
    _transition(
        listing, status=ListingStatus.PUBLISHED, actor=actor, action="publish",
        published_at=timezone.now(), expires_on=expires, moderation_comment="",
    )  # fmt: skip
    _notify_members(listing, "marketplace/email/published.txt", _("Silkbridge: your listing was published"))


@transaction.atomic
def send_back_listing(listing: Listing, *, comment: str, actor: Any) -> None:
    """Back to draft with the moderator's comment, which the owners see and are mailed."""
    _transition(listing, status=ListingStatus.DRAFT, actor=actor, action="send-back", moderation_comment=comment)
    _notify_members(listing, "marketplace/email/sent_back.txt", _("Silkbridge: your listing needs changes"))


@transaction.atomic
def close_listing(listing: Listing, *, reason: str, actor: Any) -> None:
    _transition(listing, status=ListingStatus.CLOSED, actor=actor, action="close", close_reason=reason)


@transaction.atomic
def renew_listing(listing: Listing, *, until: date, actor: Any) -> None:
    """Move the expiry to ``until`` (at most MAX_RUN from today); an expired listing is
    published again (it was moderated before)."""
    until = min(until, timezone.localdate() + MAX_RUN)
    _transition(
        listing, status=ListingStatus.PUBLISHED, actor=actor, action="renew", expires_on=until, reminded_on=None
    )


def expire_listings(*, today: date) -> int:
    """Mark published listings past their expiry date as expired. Idempotent: each listing is
    claimed by one atomic update, so two runs at once expire it once."""
    expired = 0
    for pk in Listing.objects.filter(status=ListingStatus.PUBLISHED, expires_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Listing.objects.filter(pk=pk, status=ListingStatus.PUBLISHED).update(status=ListingStatus.EXPIRED)
            if claimed:
                listing = Listing.objects.get(pk=pk)
                audit.record(actor=None, action="expire", obj=listing, changes={"status": ["published", "expired"]})
                expired += 1
    return expired


def remind_expiring(*, today: date) -> int:
    """E-mail the owners of listings that expire within REMIND_BEFORE, once per expiry date."""
    due = Listing.objects.filter(status=ListingStatus.PUBLISHED, expires_on__lte=today + REMIND_BEFORE).exclude(
        reminded_on=F("expires_on")
    )
    sent = 0
    for listing in due.select_related("organisation"):
        if (
            Listing.objects.filter(pk=listing.pk)
            .exclude(reminded_on=listing.expires_on)
            .update(reminded_on=listing.expires_on)
        ):
            _notify_members(listing, "marketplace/email/expiring.txt", _("Silkbridge: your listing expires soon"))
            audit.record(actor=None, action="remind", obj=listing, changes={})
            sent += 1
    return sent


def check_upload(upload: Any) -> str:
    """The content type of an accepted upload, judged by its first bytes; ValidationError else."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
    head = upload.read(8)
    upload.seek(0)
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    raise ValidationError(_("Only PDF, PNG and JPEG files can be attached."), code="file_type")


@transaction.atomic
def add_attachment(listing: Listing, *, upload: Any, actor: Any) -> Attachment:
    content_type = check_upload(upload)
    if listing.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("A listing has at most five attachments."), code="too_many")
    name = "".join(c for c in upload.name.rsplit("/", 1)[-1] if c.isalnum() or c in "._- ")[:200] or "file"
    attachment = Attachment.objects.create(
        listing=listing, name=name, content_type=content_type, size=upload.size, data=upload.read(), uploaded_by=actor
    )
    audit.record(actor=actor, action="attach", obj=listing, changes={"attachments": [None, name]})
    return attachment


@transaction.atomic
def delete_attachment(attachment: Attachment, *, actor: Any) -> None:
    audit.record(actor=actor, action="detach", obj=attachment.listing, changes={"attachments": [attachment.name, None]})
    attachment.delete()


# Expressions of interest, messages, leads -------------------------------------------------


@transaction.atomic
def express_interest(
    listing: Listing, *, sender: Any, message: str, organisation: Any = None, share_email: bool = False
) -> Interest:
    """Record the interest; when the listing requires its confidentiality statement, the
    caller has had the sender accept it, and its acceptance is recorded here."""
    interest = Interest.objects.create(
        listing=listing, sender=sender, message=message, organisation=organisation,
        sender_shares_email=share_email,
        confidentiality_accepted_at=timezone.now() if listing.requires_confidentiality else None,
    )  # fmt: skip
    audit.record(actor=sender, action="express-interest", obj=interest)
    _notify_members(
        listing, "marketplace/email/interest.txt", _("Silkbridge: a member is interested in your listing"),
        link=interest.get_absolute_url(),
    )  # fmt: skip
    return interest


def _decide(interest: Interest, *, status: str, actor: Any, action: str, **values: Any) -> None:
    before = {"status": interest.status}
    interest.status = status
    interest.decided_by = actor
    interest.decided_at = timezone.now()
    for key, value in values.items():
        setattr(interest, key, value)
    interest.save()
    changes = {**audit.diff(before, {"status": status}), **{k: [None, v] for k, v in values.items()}}
    audit.record(actor=actor, action=action, obj=interest, changes=changes)


@transaction.atomic
def accept_interest(interest: Interest, *, actor: Any, share_email: bool = False) -> None:
    """Disclose the details and both parties' identities to each other; the lead starts."""
    _decide(
        interest, status=InterestStatus.ACCEPTED, actor=actor, action="accept-interest",
        stage=LeadStage.TALKING, owner_shares_email=share_email,
    )  # fmt: skip
    _notify([interest.sender], "marketplace/email/accepted.txt", _("Silkbridge: your interest was accepted"), interest)


@transaction.atomic
def decline_interest(interest: Interest, *, reason: str, note: str, actor: Any) -> None:
    _decide(
        interest, status=InterestStatus.DECLINED, actor=actor, action="decline-interest",
        decline_reason=reason, decline_note=note,
    )  # fmt: skip
    _notify([interest.sender], "marketplace/email/declined.txt", _("Silkbridge: your interest was declined"), interest)


@transaction.atomic
def post_message(interest: Interest, *, author: Any, body: str) -> Message:
    """Add to the thread and e-mail the other side a link back (never the text's author's
    address). At most MESSAGES_PER_HOUR per author."""
    since = timezone.now() - timedelta(hours=1)
    if Message.objects.filter(author=author, created_at__gte=since).count() >= MESSAGES_PER_HOUR:
        raise TooManyMessages
    message = Message.objects.create(interest=interest, author=author, body=body)
    audit.record(actor=author, action="message", obj=interest, changes={})  # the text stays out of the log
    others = (
        [interest.sender]
        if author.pk != interest.sender_id
        else [m.user for m in interest.listing.organisation.memberships.select_related("user")]
    )
    _notify(others, "marketplace/email/message.txt", _("Silkbridge: a new message about a listing"), interest)
    return message


@transaction.atomic
def set_lead_stage(interest: Interest, *, stage: str, actor: Any) -> None:
    """Move the lead. "Agreement signed" records an institutional agreement between the two
    organisations in the cooperation registry, "project started" a project: so the indicators
    count the marketplace's outcomes (each made once)."""
    before = interest.stage
    interest.stage = stage
    orgs = _lead_organisations(interest)
    listing = interest.listing
    today = timezone.localdate()
    if stage in (LeadStage.AGREEMENT_SIGNED, LeadStage.PROJECT_STARTED) and interest.agreement_id is None:
        agreement = Agreement(kind=AgreementKind.INSTITUTIONAL)
        cooperation.save_record(agreement, actor=actor, data={
            "titles": dict(listing.titles), "summaries": dict(listing.summaries), "signed_on": today,
            "in_force_from": today, "parties": ([], orgs), "fields": list(listing.fields.all()),
        })  # fmt: skip
        interest.agreement_id = agreement.pk
    if stage == LeadStage.PROJECT_STARTED and interest.project_id is None:
        project = Project()
        cooperation.save_record(project, actor=actor, data={
            "title": listing.title[:500], "abstract": listing.summary, "start_on": today,
            "partners": [(org, PartnerRole.PARTNER) for org in orgs], "fields": list(listing.fields.all()),
        })  # fmt: skip
        interest.project_id = project.pk
    interest.save()
    audit.record(actor=actor, action="lead-stage", obj=interest, changes={"stage": [before, stage]})


def _lead_organisations(interest: Interest) -> list[Any]:
    """The owner organisation and the interested party's (as given, else the sender's first)."""
    other = interest.organisation
    if other is None:
        membership = interest.sender.memberships.select_related("organisation").first()
        other = membership.organisation if membership else interest.sender.organisation
    orgs = [interest.listing.organisation]
    return [*orgs, other] if other is not None and other.pk != orgs[0].pk else orgs


# Saved searches ---------------------------------------------------------------------------


@transaction.atomic
def save_search(*, user: Any, data: dict[str, Any]) -> SavedSearch:
    saved = SavedSearch.objects.create(user=user, last_sent_at=timezone.now(), **data)
    audit.record(actor=user, action="create", obj=saved)
    return saved


@transaction.atomic
def delete_saved_search(saved: SavedSearch, *, actor: Any) -> None:
    audit.record(actor=actor, action="delete", obj=saved)
    saved.delete()


@transaction.atomic
def send_digest(saved: SavedSearch, *, listings: list[Listing], now: Any) -> bool:
    """Mail the new matches of one saved search and move its mark to ``now``; claimed with an
    atomic update, so a second run at once sends nothing."""
    claimed = SavedSearch.objects.filter(pk=saved.pk, last_sent_at=saved.last_sent_at).update(last_sent_at=now)
    if not claimed or not listings:
        return False
    body = render_to_string(
        "marketplace/email/digest.txt",
        {
            "saved": saved,
            "links": [(item.title, settings.SITE_URL + item.get_absolute_url()) for item in listings],
            "site_url": settings.SITE_URL + reverse("marketplace:mine"),
        },
    )
    send_mail(_("Silkbridge: new listings for your saved search"), body, None, [saved.user.email])
    audit.record(actor=None, action="digest", obj=saved, changes={"listings": [None, len(listings)]})
    return True


# E-mail -----------------------------------------------------------------------------------


def _notify_members(listing: Listing, template: str, subject: str, link: str = "") -> None:
    users = [m.user for m in listing.organisation.memberships.select_related("user")]
    body = render_to_string(
        template, {"listing": listing, "link": settings.SITE_URL + (link or listing.get_absolute_url())}
    )
    _send(users, subject, body)


def _notify(users: list[Any], template: str, subject: str, interest: Interest) -> None:
    link = settings.SITE_URL + reverse("marketplace:interest", args=[interest.pk])
    body = render_to_string(template, {"interest": interest, "listing": interest.listing, "link": link})
    _send(users, subject, body)


def _send(users: list[Any], subject: str, body: str) -> None:
    """One message per person, so that no recipient sees another's address."""
    for address in [user.email for user in users if user.email and user.is_active]:
        transaction.on_commit(partial(send_mail, subject, body, None, [address]))
