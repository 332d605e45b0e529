"""Follow-up questions after approval: the organisers ask (visa invitation letter with the
passport details it needs, accompanying persons, excursions, or any question of the generic
kinds), confirmed participants answer until the deadline or the start of the event.

Passport details are personal data: they never go into the audit log (an entry names the
questions answered, not the answers), and only the participant and the event's organisers
read them (queries.follow_up_rows, the answers page and its CSV)."""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from silkbridge.core import audit
from silkbridge.events.enums import QuestionKind, RegistrationStatus
from silkbridge.events.models import Event, FollowUpAnswer, FollowUpQuestion, Registration

MAX_NUMBER = 20  # accompanying persons and other counts
LIST_KINDS = (QuestionKind.CHOICE, QuestionKind.CHOICES)
PASSPORT_FIELDS = ("passport_name", "passport_number", "nationality")


class FollowUpError(ValueError):
    """A question or answer that cannot be saved; the message says why. Nothing is saved."""


def follow_up_is_open(event: Event, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) < event.follow_up_closes_at


# --- The organisers' questions ---------------------------------------------------------------


def _merge_options(question: FollowUpQuestion, labels: list[str], lang: str) -> list[dict[str, Any]]:
    """Line i of `labels` is option i's label in `lang`; lines past the end add options,
    and options past the last line are removed (refused while an answer chose them)."""
    options = [dict(o, labels=dict(o["labels"])) for o in question.options]
    for option, label in zip(options, labels, strict=False):
        option["labels"][lang] = label
    used = {int(o["key"][1:]) for o in options}
    for label in labels[len(options) :]:
        key = max(used, default=0) + 1
        used.add(key)
        options.append({"key": f"o{key}", "labels": {lang: label}})
    removed = {o["key"]: pick_label(o) for o in options[len(labels) :]}
    if removed and question.pk:
        for answer in question.answers.exclude(value=None):
            chosen = set(answer.value if isinstance(answer.value, list) else [answer.value])
            for key in chosen & set(removed):
                raise FollowUpError(_("“%(option)s” was chosen by a participant and cannot be removed.")
                                    % {"option": removed[key]})  # fmt: skip
    return options[: len(labels)]


def pick_label(option: dict[str, Any]) -> str:
    return next((label for label in option["labels"].values() if label), option["key"])


def save_follow_up_question(
    question: FollowUpQuestion, *, kind: str, text: str, options: list[str], required: bool, actor: Any
) -> FollowUpQuestion:
    """Create or change a question; its text and option labels are stored as the active
    language's translation. The kind cannot change once somebody answered."""
    lang = translation.get_language() or "en"
    options = [line.strip() for line in options if line.strip()]
    if kind in LIST_KINDS and not options:
        raise FollowUpError(_("Give at least one option, one a line."))
    if len(set(options)) != len(options):
        raise FollowUpError(_("Each option must be different."))
    with transaction.atomic():
        created = question.pk is None
        if not created and kind != question.kind and question.answers.exists():
            raise FollowUpError(_("Participants have answered this question: its kind can no longer change."))
        question.options = _merge_options(question, options, lang) if kind in LIST_KINDS else []
        question.kind, question.required = kind, required
        question.texts = {**question.texts, lang: text.strip()}
        if created:
            question.position = question.event.follow_up_questions.count()
        question.save()
        audit.record(actor=actor, action="create" if created else "update", obj=question,
                     changes={"kind": kind, "text": text.strip()})  # fmt: skip
    return question


def delete_follow_up_question(question: FollowUpQuestion, *, actor: Any) -> None:
    """Delete a question with its answers."""
    with transaction.atomic():
        audit.record(actor=actor, action="delete", obj=question, changes={"text": [question.text, None]})
        question.delete()


def set_follow_up_deadline(event: Event, *, deadline: date | None, actor: Any) -> Event:
    changes = audit.diff({"follow_up_deadline": audit.plain(event.follow_up_deadline)},
                         {"follow_up_deadline": audit.plain(deadline)})  # fmt: skip
    event.follow_up_deadline = deadline
    event.save(update_fields=["follow_up_deadline", "updated_at"])
    audit.record(actor=actor, action="update", obj=event, changes=changes)
    return event


# --- The participants' answers -------------------------------------------------------------


def _missing(question: FollowUpQuestion) -> FollowUpError:
    return FollowUpError(_("Please answer “%(question)s”.") % {"question": question.text})


def clean_answer(question: FollowUpQuestion, value: Any) -> Any:
    """The answer as stored, or FollowUpError saying what is wrong with it. An empty answer
    is None (refused for a required question)."""
    kind, keys = question.kind, [o["key"] for o in question.options]
    if kind in (QuestionKind.YES_NO,):
        return bool(value)
    if kind == QuestionKind.VISA:
        return _clean_visa(question, value or {})
    if value in (None, "", []):
        if question.required:
            raise _missing(question)
        return None
    if kind == QuestionKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NUMBER:
            raise FollowUpError(_("“%(question)s”: give a whole number from 0 to %(max)s.")
                                % {"question": question.text, "max": MAX_NUMBER})  # fmt: skip
        return value
    if kind == QuestionKind.CHOICE and value not in keys:
        raise FollowUpError(_("“%(question)s”: choose one of the options.") % {"question": question.text})
    if kind == QuestionKind.CHOICES:
        if not isinstance(value, list) or not set(value) <= set(keys):
            raise FollowUpError(_("“%(question)s”: choose among the options.") % {"question": question.text})
        return [key for key in keys if key in value]  # the organiser's order, no repeats
    if kind == QuestionKind.TEXT:
        return str(value).strip()[:500] or None
    return value


def _clean_visa(question: FollowUpQuestion, value: dict[str, Any]) -> dict[str, Any]:
    if not value.get("requested"):
        return {"requested": False}  # no passport details are kept without a letter
    details = {name: str(value.get(name) or "").strip() for name in PASSPORT_FIELDS}
    if not all(details.values()):
        raise FollowUpError(_("For a visa invitation letter, give the name as in the passport, the passport "
                              "number and the nationality."))  # fmt: skip
    details["nationality"] = details["nationality"].upper()
    return {"requested": True, **details}


def save_follow_up_answers(registration: Registration, *, values: dict[int, Any], actor: Any) -> int:
    """Store a confirmed participant's answers ({question id: value}); every question of
    the event is answered at once (a missing one as empty). Refused, with nothing saved,
    after the deadline or once the event has begun, and for anyone not confirmed. Returns
    how many answers changed."""
    event = registration.event
    if registration.status != RegistrationStatus.CONFIRMED:
        raise FollowUpError(_("Only confirmed participants answer the follow-up questions."))
    if not follow_up_is_open(event):
        raise FollowUpError(_("The follow-up questions are closed: answers can no longer change."))
    questions = list(event.follow_up_questions.all())
    cleaned = {q.pk: clean_answer(q, values.get(q.pk)) for q in questions}
    with transaction.atomic():
        stored = {a.question_id: a for a in registration.follow_up_answers.select_for_update()}
        changed = []
        for question in questions:
            answer = stored.get(question.pk) or FollowUpAnswer(question=question, registration=registration)
            if answer.pk is None or answer.value != cleaned[question.pk]:
                answer.value = cleaned[question.pk]
                answer.save()
                changed.append(question.pk)
        if changed:  # which questions, never the answers: passport details stay out of the log
            audit.record(actor=actor, action="update", obj=registration, changes={"follow_up_answered": changed})
    return len(changed)


# --- Reminders -----------------------------------------------------------------------------


def request_follow_up_reminders(event: Event, *, actor: Any) -> None:
    """Queue the reminders (a background task, after commit) to every confirmed participant
    who has not answered: those confirmed before the questions existed got no word of them."""
    if not event.follow_up_questions.exists():
        raise FollowUpError(_("There is no follow-up question yet."))
    if not follow_up_is_open(event):
        raise FollowUpError(_("The follow-up questions are closed: answers can no longer change."))
    from silkbridge.events.tasks import send_follow_up_reminders  # tasks import the domain

    audit.record(actor=actor, action="contact", obj=event, changes={"follow_up_reminders": True})
    transaction.on_commit(lambda: send_follow_up_reminders.enqueue(event.pk))


def remind_unanswered(event: Event) -> int:
    """E-mail each confirmed participant without an answer yet, in their language, with the
    link to their registration page. Returns how many were e-mailed."""
    if not follow_up_is_open(event):
        return 0
    people = event.registrations.filter(status=RegistrationStatus.CONFIRMED, follow_up_answers__isnull=True)
    sent = 0
    for registration in people.select_related("user").order_by("id"):
        address = registration.user.email if registration.user else registration.email
        if not address:
            continue
        with translation.override(registration.language):
            link = settings.SITE_URL + reverse("events:my_registration", args=[event.slug])
            closes = formats.date_format(event.follow_up_closes_at.astimezone(event.zone), "DATETIME_FORMAT")
            subject = _("Follow-up questions for %(event)s") % {"event": event.title}
            body = _("Dear %(name)s,\n\nthe organisers of %(event)s ask a few follow-up questions (a visa invitation "
                     "letter, for example). Please answer them on your registration page before %(closes)s: "
                     "%(link)s")  # fmt: skip
            body %= {"name": registration.name, "event": event.title, "closes": closes, "link": link}
        send_mail(subject, body, None, [address])
        sent += 1
    return sent
