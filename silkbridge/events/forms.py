"""Forms of the event pages. Each validates what a page sends and hands the domain function
plain values (domain_data / cleaned_data)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silkbridge.events.domain.followup import MAX_NUMBER, PASSPORT_FIELDS, FollowUpError, clean_answer
from silkbridge.events.enums import Category, DeclineReason, Outcome, QuestionKind
from silkbridge.events.models import (
    Event,
    FollowUpQuestion,
    MeetingSlot,
    MeetingTable,
    Registration,
    RegistrationCategory,
    Session,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ZONES = sorted(available_timezones() - {"localtime", "Factory"})


def parse_slot_line(line: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """'2026-11-10 09:00-09:20' in the event's time zone -> (start, end), aware."""
    try:
        day, _sep, times = line.strip().partition(" ")
        first, _sep, last = times.strip().partition("-")
        start = datetime.fromisoformat(f"{day}T{first.strip()}").replace(tzinfo=zone)
        end = datetime.fromisoformat(f"{day}T{last.strip()}").replace(tzinfo=zone)
    except ValueError:
        raise ValidationError(
            _("“%(line)s” is not a slot like 2026-11-10 09:00-09:20."), params={"line": line}, code="slot"
        ) from None
    if end <= start:
        raise ValidationError(_("The slot “%(line)s” ends before it starts."), params={"line": line}, code="order")
    return start, end


class EventForm(forms.ModelForm):
    """An event and its B2B set-up. The title and description are typed in the page's
    language and stored as that language's translation."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in ZONES], initial="UTC")
    main_language = forms.ChoiceField(label=_("Main language"), choices=settings.LANGUAGES)
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"), choices=settings.LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    table_count = forms.IntegerField(label=_("Number of meeting tables"), min_value=0, max_value=5000, initial=0)
    slots_text = forms.CharField(
        label=_("Meeting slots"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One slot a line, in the event's time zone: 2026-11-10 09:00-09:20"),
    )

    class Meta:
        model = Event
        fields = [
            "slug", "starts_on", "ends_on", "venue", "is_public", "request_cap", "request_expiry_hours",
            "self_booking_open",
        ]  # fmt: skip
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event: Event = self.instance
        for code, label in Category.choices:
            self.fields[f"capacity_{code}"] = forms.IntegerField(
                label=_("Places for: %(category)s") % {"category": label},
                required=False,
                min_value=0,
                help_text=_("Empty: this category is not offered."),
            )
        if event.pk:
            self.fields["slug"].disabled = True
            self.initial.update(title=event.title, description=event.description, time_zone=event.time_zone,
                                table_count=event.tables.count())  # fmt: skip
            self.initial["main_language"] = event.fallback_language
            self.initial["other_languages"] = event.languages[1:]
            zone = event.zone
            self.initial["slots_text"] = "\n".join(
                f"{s.starts_at.astimezone(zone):%Y-%m-%d %H:%M}-{s.ends_at.astimezone(zone):%H:%M}"
                for s in event.slots.all()
            )
            for category in event.categories.all():
                self.initial[f"capacity_{category.category}"] = category.capacity
        else:
            self.initial["main_language"] = get_language() or "en"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day is before the first day."))
        zone = ZoneInfo(data.get("time_zone") or "UTC")
        slots, errors = [], []
        for line in (data.get("slots_text") or "").splitlines():
            if line.strip():
                try:
                    slots.append(parse_slot_line(line, zone))
                except ValidationError as error:
                    errors.append(error)
        if errors:
            self.add_error("slots_text", errors)
        data["slots"] = slots
        return data

    def categories(self) -> dict[str, int | None]:
        values = {code: self.cleaned_data.get(f"capacity_{code}") for code in Category.values}
        return {code: capacity for code, capacity in values.items() if capacity is not None}

    def domain_data(self) -> dict[str, Any]:
        event: Event = self.instance
        lang = get_language() or "en"
        data = {name: self.cleaned_data[name] for name in self._meta.fields or [] if name in self.cleaned_data}
        data["titles"] = {**event.titles, lang: self.cleaned_data["title"]}
        description = self.cleaned_data.get("description", "")
        data["descriptions"] = {**event.descriptions, lang: description} if description else event.descriptions
        data["time_zone"] = self.cleaned_data["time_zone"]
        main = self.cleaned_data["main_language"]
        data["languages"] = [main, *[code for code in self.cleaned_data["other_languages"] if code != main]]
        return data


class RegisterForm(forms.Form):
    category = forms.ModelChoiceField(label=_("I register as"), queryset=RegistrationCategory.objects.none())

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = event.categories.all()


class DirectoryListingForm(forms.Form):
    opt_in = forms.BooleanField(label=_("List me in the meeting directory"), required=False)
    pitch = forms.CharField(label=_("What I offer and seek"), max_length=500, required=False)


class MeetingRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why meet?"), max_length=300, widget=forms.TextInput(attrs={"maxlength": 300}))


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}),
    )  # fmt: skip


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    decline_reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *DeclineReason.choices], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not data.get("decline_reason"):
            self.add_error("decline_reason", _("Please give a reason."))
        return data


class PlacementForm(forms.Form):
    """Where a meeting goes: a slot and a table of the event."""

    slot = forms.ModelChoiceField(label=_("Slot"), queryset=MeetingSlot.objects.none())
    table = forms.ModelChoiceField(label=_("Table"), queryset=MeetingTable.objects.none())

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, qs in (("slot", event.slots.all()), ("table", event.tables.all())):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs


class ScheduleRunForm(forms.Form):
    time_limit = forms.FloatField(label=_("Time limit (seconds)"), min_value=1, max_value=120, initial=8)


class BookingForm(forms.Form):
    """A participant picks one of the free slots the two sides share."""

    slot = forms.ModelChoiceField(label=_("Slot"), queryset=MeetingSlot.objects.none())

    def __init__(self, *args: Any, slots: list[MeetingSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = MeetingSlot.objects.filter(pk__in=[s.pk for s in slots]).order_by("starts_at")


class FeedbackForm(forms.Form):
    happened = forms.TypedChoiceField(
        label=_("Did this meeting happen?"), choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )  # fmt: skip
    outcome = forms.ChoiceField(label=_("What did it lead to?"), choices=[("", "—"), *Outcome.choices], required=False)


class DelegationInviteForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    email = forms.EmailField(label=_("E-mail of the head of delegation"))
    quota = forms.IntegerField(label=_("Quota"), min_value=1, max_value=1000, initial=10)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = countries  # type: ignore[attr-defined]


class DelegationMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=RegistrationCategory.objects.none())

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = event.categories.all()


class SessionForm(forms.Form):
    """A programme session; the title is typed in the page's language, times in the event's zone."""

    title = forms.CharField(label=_("Title"), max_length=300)
    room = forms.CharField(label=_("Room"), max_length=100)
    day = forms.DateField(label=_("Day"), widget=DATE, input_formats=["%Y-%m-%d"])
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    track = forms.CharField(label=_("Track"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", "—"), *settings.LANGUAGES], required=False)
    speakers = forms.ModelMultipleChoiceField(label=_("Speakers"), queryset=Registration.objects.none(),
                                              required=False)  # fmt: skip

    def __init__(self, *args: Any, event: Event, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event, self.session = event, session
        field = self.fields["speakers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = event.registrations.filter(status="confirmed").order_by("name", "id")
        if session.pk:
            zone = event.zone
            start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
            self.initial.update(title=session.title, room=session.room, day=start.date(), start=start.time(),
                                end=end.time(), track=session.track, language=session.language,
                                speakers=list(session.speakers.all()))  # fmt: skip

    def domain_data(self) -> dict[str, Any]:
        data, zone = self.cleaned_data, self.event.zone
        lang = get_language() or "en"
        return {
            "event": self.event, "titles": {**self.session.titles, lang: data["title"]}, "room": data["room"],
            "starts_at": datetime.combine(data["day"], data["start"], tzinfo=zone),
            "ends_at": datetime.combine(data["day"], data["end"], tzinfo=zone),
            "track": data["track"], "language": data["language"],
        }  # fmt: skip


# --- Follow-up questions and answers ------------------------------------------------------


class FollowUpQuestionForm(forms.Form):
    """A follow-up question; its text and option labels are typed in the page's language."""

    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    options = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a list to choose from: one option a line (excursions, for example). Line by line, "
                    "in the page's language: switch the language to translate them."),
    )  # fmt: skip
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def __init__(self, *args: Any, question: FollowUpQuestion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if question.pk:
            lang = get_language() or "en"
            labels = [o["labels"].get(lang) or label for o, (_key, label) in
                      zip(question.options, question.option_labels(), strict=True)]  # fmt: skip
            self.initial.update(kind=question.kind, text=question.texts.get(lang) or question.text,
                                options="\n".join(labels), required=question.required)  # fmt: skip

    def option_lines(self) -> list[str]:
        return self.cleaned_data["options"].splitlines()


class FollowUpDeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("Answers accepted until"), required=False, widget=DATE, input_formats=["%Y-%m-%d"],
        help_text=_("Until the end of this day, in the event's time zone, or until the event starts if that is "
                    "earlier. Empty: until the event starts."),
    )  # fmt: skip


class FollowUpAnswerForm(forms.Form):
    """A confirmed participant's answers: one field per question (four for the visa letter:
    requested, and the name, number and nationality of the passport). Each answer is
    checked by the domain's rule (domain.clean_answer), which the API would use too."""

    def __init__(self, *args: Any, questions: list[FollowUpQuestion], countries: list[tuple[str, str]],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields.update(_answer_fields(q, countries))

    def values(self) -> dict[int, Any]:
        """{question id: value} as domain.save_follow_up_answers takes them."""
        data, out = self.cleaned_data, {}
        for q in self.questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.VISA:
                out[q.pk] = {"requested": data[name], **{f: data[f"{name}_{f}"] for f in PASSPORT_FIELDS}}
            else:
                out[q.pk] = data[name]
        return out

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for q, value in zip(self.questions, self.values().values(), strict=True):
                try:
                    clean_answer(q, value)
                except FollowUpError as error:
                    self.add_error(f"q{q.pk}", str(error))
        return cleaned

    @staticmethod
    def initial_for(questions: list[FollowUpQuestion], answers: dict[int, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for q in questions:
            value = answers.get(q.pk)
            if q.kind == QuestionKind.VISA:
                value = value or {}
                initial[f"q{q.pk}"] = value.get("requested", False)
                initial.update({f"q{q.pk}_{f}": value.get(f, "") for f in PASSPORT_FIELDS})
            elif value is not None:
                initial[f"q{q.pk}"] = value
        return initial


def _answer_fields(q: FollowUpQuestion, countries: list[tuple[str, str]]) -> dict[str, forms.Field]:
    name, label, required = f"q{q.pk}", q.text, q.required
    options = q.option_labels()
    if q.kind == QuestionKind.YES_NO:
        return {name: forms.BooleanField(label=label, required=False)}
    if q.kind == QuestionKind.NUMBER:
        return {name: forms.IntegerField(label=label, required=required, min_value=0, max_value=MAX_NUMBER)}
    if q.kind == QuestionKind.CHOICE:
        return {name: forms.ChoiceField(label=label, required=required, widget=forms.RadioSelect,
                                        choices=options if required else [("", "—"), *options])}  # fmt: skip
    if q.kind == QuestionKind.CHOICES:
        return {name: forms.MultipleChoiceField(label=label, required=required, choices=options,
                                                widget=forms.CheckboxSelectMultiple)}  # fmt: skip
    if q.kind == QuestionKind.TEXT:
        return {name: forms.CharField(label=label, required=required, max_length=500)}
    return {
        name: forms.BooleanField(label=label, required=False),
        f"{name}_passport_name": forms.CharField(label=_("Name as in the passport"), required=False, max_length=200),
        f"{name}_passport_number": forms.CharField(label=_("Passport number"), required=False, max_length=40),
        f"{name}_nationality": forms.ChoiceField(label=_("Nationality"), required=False,
                                                 choices=[("", "—"), *countries]),
    }  # fmt: skip


class BookmarkForm(forms.Form):
    session = forms.IntegerField(min_value=1)
    on = forms.BooleanField(required=False)
