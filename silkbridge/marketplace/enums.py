from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ListingKind(models.TextChoices):
    OFFER = "offer", pgettext_lazy("listing kind", "Offer")
    NEED = "need", pgettext_lazy("listing kind", "Need")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("listing status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("listing status", "Awaiting moderation")
    PUBLISHED = "published", pgettext_lazy("listing status", "Published")
    CLOSED = "closed", pgettext_lazy("listing status", "Closed")
    EXPIRED = "expired", pgettext_lazy("listing status", "Expired")


class IpStatus(models.TextChoices):
    PATENTED = "patented", _("Patented")
    PENDING = "pending", _("Patent pending")
    KNOW_HOW = "know_how", _("Know-how")
    OPEN = "open", _("Open (no restriction)")


class CooperationSought(models.TextChoices):
    TRANSFER = "transfer", _("Technology transfer")
    LICENCE = "licence", _("Licence")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    TRAINING = "training", _("Training")
    RESEARCH = "research", _("Research cooperation")


class CloseReason(models.TextChoices):
    PARTNER_FOUND = "partner_found", _("A partner was found")
    WITHDRAWN = "withdrawn", _("Withdrawn by the organisation")
    NOT_RELEVANT = "not_relevant", _("No longer relevant")
    OTHER = "other", _("Other")


class InterestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("interest status", "Awaiting an answer")
    ACCEPTED = "accepted", pgettext_lazy("interest status", "Accepted")
    DECLINED = "declined", pgettext_lazy("interest status", "Declined")


class DeclineReason(models.TextChoices):
    TOO_EARLY = "too_early", _("Too early")
    BENEFIT_UNCLEAR = "benefit_unclear", _("Benefit unclear")
    OUTSIDE_FOCUS = "outside_focus", _("Outside our focus")
    HAVE_PARTNER = "have_partner", _("Already have a partner")
    OTHER = "other", _("Other")


class LeadStage(models.TextChoices):
    """Where an accepted expression of interest stands; in order."""

    TALKING = "talking", _("Talking")
    MEETING = "meeting", _("Visit or meeting")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    PROJECT_STARTED = "project_started", _("Project started")
