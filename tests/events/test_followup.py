"""Follow-up questions after approval: organisers ask, confirmed participants answer until
the deadline or the start of the event, organisers read and export the answers; passport
details reach nobody else."""

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from silkbridge.core.models import AuditEntry
from silkbridge.events import domain
from silkbridge.events.enums import QuestionKind
from silkbridge.events.models import Event, FollowUpAnswer, FollowUpQuestion, Registration
from tests.conftest import client_for
from tests.events.conftest import make_event, participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSPORT = "E12345678"


@pytest.fixture
def future(organiser: Any) -> Event:
    """An event still ahead, so that its follow-up questions are open."""
    first = timezone.localdate() + timedelta(days=60)
    return make_event(organiser, slug="summit", starts_on=first, ends_on=first + timedelta(days=1))


def ask(organiser: Any, event: Event, kind: str, text: str, options: str = "", required: bool = False) -> Any:
    data = {"kind": kind, "text": text, "options": options, **({"required": "on"} if required else {})}
    return client_for(organiser).post(reverse("events:question_create", args=[event.slug]), data)


@pytest.fixture
def questions(organiser: Any, future: Event) -> dict[str, FollowUpQuestion]:
    for kind, text, options in (
        (QuestionKind.VISA, "Do you need a visa invitation letter?", ""),
        (QuestionKind.NUMBER, "How many accompanying persons?", ""),
        (QuestionKind.CHOICES, "Which excursions will you join?", "Terracotta Army\nCity wall\nShaanxi Museum"),
    ):
        assert ask(organiser, future, kind, text, options).status_code == 302
    return {q.kind: q for q in future.follow_up_questions.all()}


def answers_post(questions: dict[str, FollowUpQuestion], **extra: Any) -> dict[str, Any]:
    visa, number, choices = questions["visa"], questions["number"], questions["choices"]
    return {f"q{visa.pk}": "on", f"q{visa.pk}_passport_name": "ANA SILVA", f"q{visa.pk}_passport_number": PASSPORT,
            f"q{visa.pk}_nationality": "BR", f"q{number.pk}": "2", f"q{choices.pk}": ["o3", "o1"], **extra}  # fmt: skip


def page(user: Any, event: Event, name: str = "my_registration") -> Any:
    return client_for(user).get(reverse(f"events:{name}", args=[event.slug]))


def test_a_confirmed_participant_answers_and_changes_the_answers(
    future: Event, questions: dict[str, FollowUpQuestion]
) -> None:
    ana = participant(future, "Ana")
    form = page(ana.user, future).content.decode()
    assert "Do you need a visa invitation letter?" in form and "Terracotta Army" in form
    url = reverse("events:my_registration", args=[future.slug])
    assert client_for(ana.user).post(url, answers_post(questions)).status_code == 302
    stored = {a.question.kind: a.value for a in FollowUpAnswer.objects.filter(registration=ana)}
    assert stored == {
        "visa": {"requested": True, "passport_name": "ANA SILVA", "passport_number": PASSPORT, "nationality": "BR"},
        "number": 2,
        "choices": ["o1", "o3"],  # in the organiser's order
    }
    visa = questions["visa"]
    client_for(ana.user).post(url, answers_post(questions, **{f"q{visa.pk}": ""}))  # no letter after all
    assert FollowUpAnswer.objects.get(registration=ana, question=visa).value == {"requested": False}
    entry = AuditEntry.objects.filter(action="update", object_id=str(ana.pk)).last()
    assert entry is not None and PASSPORT not in str(entry.changes)  # passport details stay out of the log


def test_bad_answers_are_refused_with_a_reason_and_change_nothing(
    future: Event, questions: dict[str, FollowUpQuestion]
) -> None:
    ana = participant(future, "Ana")
    url = reverse("events:my_registration", args=[future.slug])
    visa, number, choices = questions["visa"], questions["number"], questions["choices"]
    response = client_for(ana.user).post(url, answers_post(questions, **{f"q{visa.pk}_passport_number": ""}))
    assert "give the name as in the passport, the passport number and the nationality" in response.content.decode()
    response = client_for(ana.user).post(url, answers_post(questions, **{f"q{number.pk}": "99"}))
    assert response.status_code == 200 and response.context["form"].errors[f"q{number.pk}"]
    response = client_for(ana.user).post(url, answers_post(questions, **{f"q{choices.pk}": ["o9"]}))
    assert response.status_code == 200 and response.context["form"].errors[f"q{choices.pk}"]
    assert not FollowUpAnswer.objects.exists()
    with pytest.raises(domain.FollowUpError, match="whole number from 0 to 20"):
        domain.save_follow_up_answers(ana, values={number.pk: -1}, actor=ana.user)


def test_answers_close_at_the_deadline_and_when_the_event_starts(
    organiser: Any, future: Event, questions: dict[str, FollowUpQuestion]
) -> None:
    ana = participant(future, "Ana")
    url = reverse("events:my_registration", args=[future.slug])
    client_for(organiser).post(reverse("events:follow_up", args=[future.slug]),
                               {"deadline": (timezone.localdate() - timedelta(days=1)).isoformat()})  # fmt: skip
    future.refresh_from_db()
    assert not domain.follow_up_is_open(future)
    response = client_for(ana.user).post(url, answers_post(questions))
    assert "can no longer change" in response.content.decode() and not FollowUpAnswer.objects.exists()
    assert "can no longer change" in page(ana.user, future).content.decode()  # read-only, no form
    future.follow_up_deadline = None
    future.save()
    assert domain.follow_up_is_open(future)
    past = make_event(organiser, slug="past", starts_on=date(2020, 1, 1), ends_on=date(2020, 1, 2))
    assert not domain.follow_up_is_open(past)


def test_organisers_see_every_answer_and_export_them_safely_as_csv(
    organiser: Any, future: Event, questions: dict[str, FollowUpQuestion]
) -> None:
    ana, bo = participant(future, "Ana"), participant(future, "Bo")
    ask(organiser, future, QuestionKind.TEXT, "Dietary needs")
    text = future.follow_up_questions.get(kind=QuestionKind.TEXT)
    client_for(ana.user).post(reverse("events:my_registration", args=[future.slug]),
                              answers_post(questions, **{f"q{text.pk}": "=HYPERLINK(\"http://x\")"}))  # fmt: skip
    listing = page(organiser, future, "follow_up_answers").content.decode()
    assert "ANA SILVA" in listing and PASSPORT in listing and "Terracotta Army; Shaanxi Museum" in listing
    response = page(organiser, future, "follow_up_csv")
    assert response["Content-Type"].startswith("text/csv") and response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, by_name = rows[0], {row[0]: row for row in rows[1:]}
    assert header[5:9] == ["Do you need a visa invitation letter?", "Name as in the passport", "Passport number",
                           "Nationality"]  # fmt: skip
    assert by_name["Ana"][5:12] == ["Yes", "ANA SILVA", PASSPORT, "Brazil", "2", "Terracotta Army; Shaanxi Museum",
                                    "'=HYPERLINK(\"http://x\")"]  # fmt: skip
    assert by_name["Bo"][5:12] == [""] * 7 and bo.name == "Bo"


def test_the_answers_page_makes_a_fixed_number_of_queries(
    organiser: Any, future: Event, questions: dict[str, FollowUpQuestion], django_assert_max_num_queries: Any
) -> None:
    url = reverse("events:my_registration", args=[future.slug])
    first = participant(future, "P0")
    client_for(first.user).post(url, answers_post(questions))
    page(organiser, future, "follow_up_answers")
    connection.queries_log.clear()  # a full log (9,000 entries) would count nothing
    with django_assert_max_num_queries(40) as few:
        page(organiser, future, "follow_up_answers")
    count = len(few)
    for n in (1, 2):
        client_for(participant(future, f"P{n}").user).post(url, answers_post(questions))
    connection.queries_log.clear()
    with django_assert_max_num_queries(count):
        assert "P2" in page(organiser, future, "follow_up_answers").content.decode()


def test_options_chosen_by_a_participant_stay_and_the_kind_is_kept_once_answered(
    organiser: Any, future: Event, questions: dict[str, FollowUpQuestion]
) -> None:
    ana = participant(future, "Ana")
    client_for(ana.user).post(reverse("events:my_registration", args=[future.slug]), answers_post(questions))
    choices = questions["choices"]
    edit = reverse("events:question_edit", args=[future.slug, choices.pk])
    response = client_for(organiser).post(edit, {"kind": "choices", "text": "Excursions", "options": "Terracotta Army"})
    assert "“Shaanxi Museum” was chosen by a participant and cannot be removed." in response.content.decode()
    response = client_for(organiser).post(edit, {"kind": "text", "text": "Excursions"})
    assert "its kind can no longer change" in response.content.decode()
    with translation.override("fr"):
        french = {"kind": "choices", "text": "Excursions ?", "options": "Armée\nMuraille\nMusée"}
        client_for(organiser).post(reverse("events:question_edit", args=[future.slug, choices.pk]), french)
    choices.refresh_from_db()
    assert [o["key"] for o in choices.options] == ["o1", "o2", "o3"]
    assert choices.options[0]["labels"] == {"en": "Terracotta Army", "fr": "Armée"}
    assert choices.texts == {"en": "Which excursions will you join?", "fr": "Excursions ?"}


def test_the_confirmation_e_mail_asks_to_answer_in_the_participants_language(
    future: Event, questions: dict[str, FollowUpQuestion], django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(display_name="Zoé")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        domain.register_for_event(event=future, user=user, category=future.categories.get(category="official"),
                                  actor=user)  # fmt: skip
    [message] = mail.outbox
    assert f"/fr/events/{future.slug}/registration/" in message.body
    assert "questions" in message.body and "Please answer" not in message.body  # in French


def _roles(organiser: Any, event: Event) -> dict[str, Any]:
    ana = participant(event, "Ana")
    head = UserFactory(email="head@example.br")
    delegation = domain.invite_delegation(event=event, country="BR", email=head.email, quota=3, link="{token}",
                                          actor=organiser)  # fmt: skip
    domain.accept_delegation(delegation, user=head, actor=head)
    Registration.objects.filter(pk=ana.pk).update(delegation=delegation)  # Ana is in Brazil's delegation
    return {"organiser": organiser, "other organiser": UserFactory(is_event_organiser=True), "head": head,
            "participant": ana.user, "other participant": participant(event, "Bo").user, "anonymous": None}  # fmt: skip


ORGANISER_PAGES = ("follow_up", "follow_up_answers", "follow_up_csv", "question_create")
EXPECTED = {"organiser": 200, "other organiser": 403, "head": 403, "participant": 403, "other participant": 403,
            "anonymous": 302}  # fmt: skip
OWN_PAGE = {"organiser": 404, "other organiser": 404, "head": 200, "participant": 200, "other participant": 200,
            "anonymous": 302}  # fmt: skip


def test_only_the_participant_and_the_organisers_see_passport_details(
    organiser: Any, future: Event, questions: dict[str, FollowUpQuestion]
) -> None:
    roles = _roles(organiser, future)
    client_for(roles["participant"]).post(reverse("events:my_registration", args=[future.slug]),
                                          answers_post(questions))  # fmt: skip
    for role, user in roles.items():
        for name in ORGANISER_PAGES:
            response = page(user, future, name)
            assert response.status_code == EXPECTED[role], (role, name)
            shown = role == "organiser" and name in ("follow_up_answers", "follow_up_csv")
            assert (PASSPORT in response.content.decode()) == shown, (role, name)
        own = page(user, future)  # one's own registration page: 404 without a registration
        assert own.status_code == OWN_PAGE[role] and (PASSPORT in own.content.decode()) == (role == "participant")
    delegation = future.delegations.get()
    members = page(roles["head"], future).client.get(reverse("events:delegation", args=[future.slug, delegation.pk]))
    assert members.status_code == 200 and PASSPORT not in members.content.decode()
    question = reverse("events:question_edit", args=[future.slug, questions["number"].pk])
    for role in ("head", "participant", "other organiser"):
        assert client_for(roles[role]).post(question, {"kind": "text", "text": "x"}).status_code == 403
    assert FollowUpQuestion.objects.get(pk=questions["number"].pk).kind == QuestionKind.NUMBER


def test_only_confirmed_participants_answer(future: Event, questions: dict[str, FollowUpQuestion]) -> None:
    ana = participant(future, "Ana")
    Registration.objects.filter(pk=ana.pk).update(status="waiting")
    response = client_for(ana.user).post(reverse("events:my_registration", args=[future.slug]),
                                         answers_post(questions))  # fmt: skip
    assert response.status_code == 403 and not FollowUpAnswer.objects.exists()


def test_organisers_remind_those_who_have_not_answered_by_a_background_task(
    organiser: Any, future: Event, questions: dict[str, FollowUpQuestion], django_capture_on_commit_callbacks: Any
) -> None:
    ana, bo = participant(future, "Ana"), participant(future, "Bo")
    Registration.objects.filter(pk=bo.pk).update(language="zh-hans")
    client_for(ana.user).post(reverse("events:my_registration", args=[future.slug]), answers_post(questions))
    remind = reverse("events:follow_up_remind", args=[future.slug])
    assert client_for(bo.user).post(remind).status_code == 403
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client_for(organiser).post(remind).status_code == 302
    assert mail.outbox == [] and len(callbacks) == 1  # sent by the task, not in the request
    callbacks[0]()
    [reminder] = mail.outbox
    assert reminder.to == [bo.user.email] and f"/zh-hans/events/{future.slug}/registration/" in reminder.body
    assert "后续问题" in reminder.subject
