"""Conferences: the event, its registration categories and registrations, and its B2B part
(meeting slots, tables, meeting requests, meetings, scheduler runs).

Times are stored in UTC and shown in the event's time zone. Titles and descriptions are
per-field translations ({language: text}) shown in the reader's language, falling back to
the event's first language."""

import secrets
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from silkbridge.core.models import TimeStampedModel
from silkbridge.core.translation import pick
from silkbridge.events.enums import (
    Category,
    DeclineReason,
    MeetingState,
    Outcome,
    QuestionKind,
    RegistrationStatus,
    RequestStatus,
    RunStatus,
)


class Event(TimeStampedModel):
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    titles = models.JSONField(_("title by language"), default=dict)
    descriptions = models.JSONField(_("description by language"), default=dict, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    # Language codes the event runs in; the first is the fallback for titles and descriptions.
    languages = models.JSONField(_("languages"), default=list)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organised_events", verbose_name=_("organisers")
    )
    is_public = models.BooleanField(_("listed publicly"), default=True)
    # B2B set-up: how many requests a participant may have open or accepted at once, and how
    # long a request waits for an answer before it expires (and frees that quota).
    request_cap = models.PositiveIntegerField(_("request cap per participant"), null=True, blank=True)
    request_expiry_hours = models.PositiveIntegerField(_("request expiry (hours)"), default=72)
    # While open, the two sides of an accepted request may pick a free common slot themselves.
    self_booking_open = models.BooleanField(_("participants book their own meetings"), default=False)
    # Confirmed participants answer the follow-up questions until the end of this day or
    # until the event starts, whichever comes first (no date: until the event starts).
    follow_up_deadline = models.DateField(_("answers to the follow-up questions accepted until"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title or self.slug

    @property
    def title(self) -> str:
        return pick(self.titles, fallback=self.fallback_language)

    @property
    def description(self) -> str:
        return pick(self.descriptions, fallback=self.fallback_language)

    @property
    def fallback_language(self) -> str:
        return self.languages[0] if self.languages else "en"

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.time_zone)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.slug])

    @property
    def follow_up_closes_at(self) -> datetime:
        """When answers to the follow-up questions stop being accepted: the start of the
        event's first day, or the end of the deadline day if that comes earlier."""
        closes = datetime.combine(self.starts_on, time(0), tzinfo=self.zone)
        if self.follow_up_deadline is not None:
            closes = min(
                closes, datetime.combine(self.follow_up_deadline + timedelta(days=1), time(0), tzinfo=self.zone)
            )
        return closes


class RegistrationCategory(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit."))

    class Meta:
        ordering = ["event", "category"]
        constraints = [models.UniqueConstraint(fields=["event", "category"], name="one_category_of_a_kind")]
        verbose_name = _("registration category")
        verbose_name_plural = _("registration categories")

    def __str__(self) -> str:
        return self.get_category_display()


def new_token() -> str:
    return secrets.token_urlsafe(24)


# Badge codes are typed at the check-in desk when a QR will not scan: Crockford's base32
# alphabet (no I, L, O, U), 12 characters, 60 random bits.
BADGE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_badge_secret() -> str:
    return "".join(secrets.choice(BADGE_ALPHABET) for _ in range(12))


class Delegation(models.Model):
    """A country's delegation: an organiser invites its head by e-mail; the head registers
    the country's members, at most `quota` of them (the head included)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegations")
    country = models.CharField(_("country"), max_length=2)
    head_email = models.EmailField(_("e-mail of the head of delegation"))
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quota = models.PositiveIntegerField(_("quota"))
    # The invitation link's secret; not the id, so that links cannot be guessed.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "country"]
        constraints = [models.UniqueConstraint(fields=["event", "country"], name="one_delegation_per_country")]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return f"{self.event}: {self.country}"


class Registration(models.Model):
    """A participant of an event. Imported participants (interchange format) carry the id
    they were imported with and may have no user account."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations"
    )
    category = models.ForeignKey(
        RegistrationCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    external_id = models.CharField(_("imported id"), max_length=100, null=True, blank=True)
    # A delegation member registered by their head of delegation may have no account yet.
    delegation = models.ForeignKey(Delegation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    email = models.EmailField(_("e-mail address"), blank=True)
    b2b_opt_in = models.BooleanField(_("listed in the meeting directory"), default=False)
    pitch = models.CharField(_("what I offer and seek"), max_length=500, blank=True)
    # Slot ids the participant can meet in; null means every slot.
    available_slots = models.JSONField(null=True, blank=True)
    max_meetings = models.PositiveIntegerField(_("meeting limit"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # What the badge's QR code carries: random, neither a URL nor the id; only the
    # participant and the event's organisers ever see it.
    badge_secret = models.CharField(max_length=20, unique=True, default=new_badge_secret, editable=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        ordering = ["event", "created_at", "id"]  # also the waiting list's order
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="one_registration_per_user"
            ),
            models.UniqueConstraint(
                fields=["event", "external_id"],
                condition=Q(external_id__isnull=False),
                name="one_registration_per_imported_id",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "category"])]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """A programme session: a room at a time, with speakers (who cannot meet then)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    titles = models.JSONField(_("title by language"), default=dict)
    room = models.CharField(_("room"), max_length=100)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    track = models.CharField(_("track"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    speakers = models.ManyToManyField(Registration, blank=True, related_name="talks", verbose_name=_("speakers"))

    class Meta:
        ordering = ["event", "starts_at", "room", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self.titles, fallback=self.event.fallback_language)


class MeetingSlot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    label = models.CharField(_("label"), max_length=100)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["event", "starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "label"], name="one_slot_label_per_event")]
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")

    def __str__(self) -> str:
        return self.label


class MeetingTable(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="one_table_name_per_event")]
        verbose_name = _("table")
        verbose_name_plural = _("tables")

    def __str__(self) -> str:
        return self.name


class MeetingRequest(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="sent_requests")
    recipient = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="received_requests")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    external_id = models.CharField(_("imported id"), max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "external_id"],
                condition=Q(external_id__isnull=False),
                name="one_request_per_imported_id",
            ),
            models.CheckConstraint(condition=~Q(requester=models.F("recipient")), name="no_request_to_oneself"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="request_weight_positive"),
        ]
        indexes = [models.Index(fields=["event", "status"]), models.Index(fields=["status", "expires_at"])]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")

    def __str__(self) -> str:
        return f"{self.requester} → {self.recipient}"

    @property
    def engine_id(self) -> str:
        """The id the scheduler and the exported schedule know this request by."""
        return self.external_id or f"req-{self.pk}"


class Meeting(models.Model):
    """An accepted request placed in a slot at a table. Draft meetings are the scheduler's
    (replaced by its next run unless pinned); published ones never move by a run."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="meetings")
    table = models.ForeignKey(MeetingTable, on_delete=models.CASCADE, related_name="meetings")
    state = models.CharField(_("state"), max_length=20, choices=MeetingState.choices, default=MeetingState.DRAFT)
    pinned = models.BooleanField(_("pinned"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "slot__starts_at", "table__position", "id"]
        constraints = [models.UniqueConstraint(fields=["slot", "table"], name="one_meeting_per_table_and_slot")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.request} ({self.slot}, {self.table})"

    @property
    def is_fixed(self) -> bool:
        """Passed to the scheduler as fixed: it never moves it."""
        return self.pinned or self.state == MeetingState.PUBLISHED


class MeetingFeedback(models.Model):
    """One side's answer after a meeting: did it happen, and what did it lead to."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="meeting_feedback")
    happened = models.BooleanField(_("the meeting happened"))
    outcome = models.CharField(_("what it led to"), max_length=20, choices=Outcome.choices, blank=True)
    # The agreement draft this side carried into the cooperation registry, if any.
    agreement = models.ForeignKey(
        "cooperation.Agreement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The project draft this side carried into the cooperation registry, if any.
    project = models.ForeignKey(
        "cooperation.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "registration"], name="one_feedback_per_side")]
        verbose_name = _("meeting feedback")
        verbose_name_plural = _("meeting feedback")

    def __str__(self) -> str:
        return f"{self.meeting}: {self.happened} {self.outcome}"


class ScheduleRun(models.Model):
    """One run of the scheduler on an event: its progress and its result."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_runs")
    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time_limit = models.FloatField(_("time limit (seconds)"), default=8.0)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    upper_bound = models.FloatField(_("upper bound"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=100, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    meetings_count = models.PositiveIntegerField(default=0)
    # [{"request": MeetingRequest pk, "code": engine reason code}] for every request left out
    unscheduled = models.JSONField(default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("scheduler run")
        verbose_name_plural = _("scheduler runs")

    def __str__(self) -> str:
        return f"{self.event} {self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def ratio(self) -> float | None:
        if self.objective is None or self.upper_bound is None:
            return None
        return 1.0 if self.upper_bound <= 0 else self.objective / self.upper_bound


# --- Follow-up questions, asked of confirmed participants ------------------------------------


class FollowUpQuestion(models.Model):
    """A question the organisers ask every confirmed participant after approval. Texts and
    option labels are per-language ({language: text}); options keep a stable key, which is
    what answers store, so a label can be corrected or translated without touching answers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="follow_up_questions")
    kind = models.CharField(_("kind of answer"), max_length=20, choices=QuestionKind.choices)
    texts = models.JSONField(_("question by language"), default=dict)
    # [{"key": "o1", "labels": {language: label}}] for the kinds with a list to choose from
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "id"]
        verbose_name = _("follow-up question")
        verbose_name_plural = _("follow-up questions")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick(self.texts, fallback=self.event.fallback_language)

    def option_labels(self) -> list[tuple[str, str]]:
        """(key, label in the reader's language) of each option, in order."""
        fallback = self.event.fallback_language
        return [(option["key"], pick(option["labels"], fallback=fallback)) for option in self.options]


class FollowUpAnswer(models.Model):
    """One participant's answer to one question. `value` by kind: yes/no a boolean, number an
    integer, choice an option key, choices a list of keys, text a string, visa
    {"requested": bool, "passport_name", "passport_number", "nationality"} (passport
    details only when a letter is requested)."""

    question = models.ForeignKey(FollowUpQuestion, on_delete=models.CASCADE, related_name="answers")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="follow_up_answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    updated_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "registration"], name="one_answer_per_question_and_person")
        ]
        verbose_name = _("follow-up answer")
        verbose_name_plural = _("follow-up answers")

    def __str__(self) -> str:
        return f"{self.registration}: {self.question}"


# --- Programme versions and bookmarks ------------------------------------------------------


class ProgrammeVersion(models.Model):
    """A published programme: the sessions as they were when published (a snapshot, so that
    the public programme never shows the organisers' draft) and what changed since the
    previous version, in language-neutral form (rendered in the reader's language)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme_versions")
    number = models.PositiveIntegerField(_("version"))
    # [{"id", "titles", "room", "starts_at", "ends_at" (ISO, UTC), "track", "language",
    #   "speakers": [[registration id, name], ...]}], ordered by start
    sessions = models.JSONField(default=list)
    # [{"kind": added|cancelled|moved|room|speakers|retitled, "session": id, ...}]
    changes = models.JSONField(default=list)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["event", "-number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="one_programme_version_number")]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")

    def __str__(self) -> str:
        return f"{self.event} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("events:programme_changes", args=[self.event.slug]) + f"#version-{self.number}"


class SessionBookmark(models.Model):
    """A participant's bookmark on a published session. It names the session by its id as
    published versions do, not by a foreign key, so that it outlives a session deleted from
    the draft: its bookmarkers are told when that cancellation is published."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="bookmarks")
    session_key = models.PositiveIntegerField(_("session"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "session_key"], name="one_bookmark_per_session")]
        indexes = [models.Index(fields=["session_key"])]
        verbose_name = _("session bookmark")
        verbose_name_plural = _("session bookmarks")

    def __str__(self) -> str:
        return f"{self.registration}: {self.session_key}"
