"""Reads of the follow-up questions and answers: a participant's own answers, and the
organisers' table of everybody's (the answers page and its CSV). Passport details appear
only here, and only the event's organisers reach the table (events.manage_follow_up)."""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from silkbridge.events.enums import QuestionKind, RegistrationStatus
from silkbridge.events.models import Event, FollowUpAnswer, FollowUpQuestion, Registration
from silkbridge.registry.countries import country_name, iso_countries


def questions(event: Event) -> list[FollowUpQuestion]:
    return list(event.follow_up_questions.select_related("event").order_by("position", "id"))


def answers_of(registration: Registration) -> dict[int, Any]:
    """question id -> the participant's stored answer."""
    return dict(registration.follow_up_answers.values_list("question_id", "value"))


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    return {c["code"]: c["name_en"] for c in iso_countries()}


def nationality_name(code: str) -> str:
    english = _english_names()
    return country_name(code, english[code]) if code in english else code


def country_choices() -> list[tuple[str, str]]:
    """(code, name in the reader's language) of every country, by name."""
    return sorted(((code, country_name(code, name)) for code, name in _english_names().items()),
                  key=lambda row: row[1])  # fmt: skip


def _yes_no(value: Any) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


def display(question: FollowUpQuestion, value: Any) -> list[str]:
    """An answer as the cells of its columns (see `columns`), in the reader's language."""
    labels = dict(question.option_labels())
    if question.kind == QuestionKind.VISA:
        value = value or {}
        nationality = value.get("nationality", "")
        return [_yes_no(value.get("requested")) if value else "", value.get("passport_name", ""),
                value.get("passport_number", ""), nationality_name(nationality) if nationality else ""]  # fmt: skip
    if value is None:
        return [""]
    if question.kind == QuestionKind.YES_NO:
        return [_yes_no(value)]
    if question.kind == QuestionKind.CHOICE:
        return [labels.get(value, value)]
    if question.kind == QuestionKind.CHOICES:
        return ["; ".join(labels.get(key, key) for key in value)]
    return [str(value)]


def columns(question: FollowUpQuestion) -> list[str]:
    if question.kind == QuestionKind.VISA:
        return [question.text, _("Name as in the passport"), _("Passport number"), _("Nationality")]
    return [question.text]


def answering(event: Event) -> QuerySet[Registration]:
    """Confirmed participants with their answers (one query for the answers)."""
    return (
        event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("category", "user")
        .prefetch_related(Prefetch("follow_up_answers", queryset=FollowUpAnswer.objects.only("question_id", "value",
                                   "registration_id", "updated_at")))
        .order_by("name", "id")
    )  # fmt: skip


@dataclass
class Table:
    header: list[str]
    rows: Iterator[list[Any]]


def table(event: Event, registrations: Any = None) -> Table:
    """Everybody's answers (or those of `registrations`, a page of `answering`): one row
    each, one column per question (four for the visa question), answered-at last."""
    asked = questions(event)
    header = [_("Name"), _("E-mail"), _("Organisation"), _("Country"), _("Category")]
    header += [name for q in asked for name in columns(q)] + [_("Answered")]

    def rows() -> Iterator[list[Any]]:
        for r in answering(event) if registrations is None else registrations:
            answers = {a.question_id: a for a in r.follow_up_answers.all()}
            cells = [r.name, r.user.email if r.user else r.email, r.organisation_name, r.country,
                     str(r.category or "")]  # fmt: skip
            for q in asked:
                answer = answers.get(q.pk)
                cells += display(q, answer.value if answer else None) if answer else [""] * len(columns(q))
            latest = max((a.updated_at for a in answers.values()), default=None)
            yield [*cells, latest.isoformat(timespec="minutes") if latest else ""]

    return Table(header=header, rows=rows())
