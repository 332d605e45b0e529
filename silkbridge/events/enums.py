from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    OFFICIAL = "official", _("Official")
    SCHOLAR = "scholar", _("Scholar")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    MEDIA = "media", _("Media")
    STAFF = "staff", pgettext_lazy("registration category", "Staff")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class DeclineReason(models.TextChoices):
    NO_TIME = "no_time", _("My agenda is full")
    NOT_RELEVANT = "not_relevant", _("Not relevant to my work")
    ALREADY_IN_CONTACT = "in_contact", _("We are already in contact")
    OTHER = "other", _("Another reason")


class MeetingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Outcome(models.TextChoices):
    """What a meeting led to, as a participant says after it."""

    NOTHING = "nothing", _("Nothing yet")
    CONTACT = "contact", _("A useful contact")
    NEGOTIATION = "negotiation", _("A negotiation")
    AGREEMENT = "agreement", _("An agreement")


class QuestionKind(models.TextChoices):
    """The kinds of follow-up question an organiser asks confirmed participants."""

    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("A number (0 to 20)")
    CHOICE = "choice", _("One choice from a list")
    CHOICES = "choices", _("Any choices from a list")
    TEXT = "text", _("A short text")
    # Personal data: seen by the participant and the event's organisers only.
    VISA = "visa", _("Visa invitation letter (with passport details)")
