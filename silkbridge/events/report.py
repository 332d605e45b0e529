"""The organiser's report: registrations by category and country, attendance, meeting requests from
asked to held, and what the meetings led to. Aggregates only: no personal data."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from silkbridge.events.enums import Category, MeetingState, Outcome, RegistrationStatus, RequestStatus
from silkbridge.events.models import Event, MeetingFeedback

OUTCOME_RANK = {code: n for n, code in enumerate(Outcome.values)}  # later choices weigh more


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    rows: list[tuple[str, str, int]]  # (code, label, value)

    @property
    def height(self) -> int:
        """Of its bar chart: 24 px a row."""
        return 24 * len(self.rows)

    @property
    def maximum(self) -> int:
        return max((value for _code, _label, value in self.rows), default=0)


def _registrations(event: Event) -> list[Section]:
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    labels = dict(Category.choices)
    by_category = confirmed.exclude(category=None).values("category__category").annotate(n=Count("id"))
    by_country = confirmed.exclude(country="").values("country").annotate(n=Count("id")).order_by("-n", "country")
    return [
        Section("category", _("Confirmed registrations by category"),
                [(r["category__category"], str(labels[r["category__category"]]), r["n"]) for r in by_category]),
        Section("country", _("Confirmed registrations by country"),
                [(r["country"], r["country"], r["n"]) for r in by_country]),
    ]  # fmt: skip


def _attendance(event: Event) -> Section:
    """Checked in at the venue (badge scanned or typed), of the confirmed participants."""
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    counts = confirmed.aggregate(n=Count("id"), arrived=Count("id", filter=Q(checked_in_at__isnull=False)))
    rows = [
        ("confirmed", str(_("Confirmed")), counts["n"]),
        ("checked_in", str(_("Checked in")), counts["arrived"]),
    ]
    return Section("attendance", _("Attendance"), rows)


def _meetings(event: Event) -> Section:
    held = MeetingFeedback.objects.filter(meeting=OuterRef("pk"), happened=True)
    published = event.meetings.filter(state=MeetingState.PUBLISHED)
    counts = event.meeting_requests.aggregate(
        requested=Count("id"), accepted=Count("id", filter=Q(status=RequestStatus.ACCEPTED))
    )
    rows = [
        ("requested", str(_("Requested")), counts["requested"]),
        ("accepted", str(_("Accepted")), counts["accepted"]),
        ("scheduled", str(_("Scheduled and published")), published.count()),
        ("held", str(_("Held")), published.filter(Exists(held)).count()),
    ]
    return Section("meetings", _("One-to-one meetings"), rows)


def _outcomes(event: Event) -> Section:
    """Each held meeting counted once, by the furthest outcome either side reported."""
    best: dict[int, str] = {}
    answers = MeetingFeedback.objects.filter(meeting__event=event, happened=True).exclude(outcome="")
    for meeting_id, outcome in answers.values_list("meeting_id", "outcome"):
        if meeting_id not in best or OUTCOME_RANK[outcome] > OUTCOME_RANK[best[meeting_id]]:
            best[meeting_id] = outcome
    values = list(best.values())
    return Section("outcomes", _("What the meetings led to"),
                   [(code, str(label), values.count(code)) for code, label in Outcome.choices])  # fmt: skip


def event_report(event: Event) -> list[Section]:
    return [*_registrations(event), _attendance(event), _meetings(event), _outcomes(event)]
