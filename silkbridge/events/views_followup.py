"""Pages of the follow-up questions: the participant's registration page (where they answer)
and the organisers' questions, answers and CSV. Split from views.py, which passed 600 lines."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from silkbridge.core.csvcells import neutralise
from silkbridge.core.pagination import page_of
from silkbridge.events import domain, followup, queries
from silkbridge.events.enums import RegistrationStatus
from silkbridge.events.forms import FollowUpAnswerForm, FollowUpDeadlineForm, FollowUpQuestionForm
from silkbridge.events.models import FollowUpQuestion

ANSWERS_PAGE_SIZE = 100


@login_required
@require_http_methods(["GET", "POST"])
def my_registration(request: HttpRequest, slug: str) -> HttpResponse:
    """The participant's own registration, with the follow-up questions to answer (while
    open) once confirmed."""
    event = queries.get_event_for_user(request.user, slug)
    me = queries.get_registration_for_user(request.user, event)
    asked = followup.questions(event) if me.status == RegistrationStatus.CONFIRMED else []
    answers = followup.answers_of(me)
    form = FollowUpAnswerForm(request.POST or None, questions=asked, countries=followup.country_choices(),
                              initial=FollowUpAnswerForm.initial_for(asked, answers))  # fmt: skip
    if request.method == "POST":
        if not request.user.has_perm("events.answer_follow_up", event):
            raise PermissionDenied
        if form.is_valid():
            try:
                domain.save_follow_up_answers(me, values=form.values(), actor=request.user)
            except domain.FollowUpError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your answers were saved."))
                return redirect("events:my_registration", slug=slug)
    context = {"event": event, "registration": me, "form": form if asked else None,
               "is_open": domain.follow_up_is_open(event), "closes_at": event.follow_up_closes_at,
               "answers": [(q, zip(followup.columns(q), followup.display(q, answers.get(q.pk)), strict=True))
                           for q in asked]}  # fmt: skip
    return render(request, "events/my_registration.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' questions and the deadline for answers."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_follow_up")
    form = FollowUpDeadlineForm(request.POST or None, initial={"deadline": event.follow_up_deadline})
    if request.method == "POST" and form.is_valid():
        domain.set_follow_up_deadline(event, deadline=form.cleaned_data["deadline"], actor=request.user)
        messages.success(request, _("The deadline was saved."))
        return redirect("events:follow_up", slug=slug)
    context = {"event": event, "questions": followup.questions(event), "form": form,
               "closes_at": event.follow_up_closes_at, "answered": followup.answering(event)
               .filter(follow_up_answers__isnull=False).distinct().count()}  # fmt: skip
    return render(request, "events/follow_up.html", context)


@login_required
@require_POST
def follow_up_remind(request: HttpRequest, slug: str) -> HttpResponse:
    """E-mail (as a background task) the confirmed participants who have not answered."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_follow_up")
    try:
        domain.request_follow_up_reminders(event, actor=request.user)
    except domain.FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The reminders are being sent."))
    return redirect("events:follow_up", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_question(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_follow_up")
    question = get_object_or_404(event.follow_up_questions, pk=pk) if pk else FollowUpQuestion(event=event)
    form = FollowUpQuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            domain.save_follow_up_question(question, kind=data["kind"], text=data["text"],
                                           options=form.option_lines(), required=data["required"],
                                           actor=request.user)  # fmt: skip
        except domain.FollowUpError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The question was saved."))
            return redirect("events:follow_up", slug=slug)
    context = {"event": event, "form": form, "cancel_url": reverse("events:follow_up", args=[slug])}
    return render(request, "events/follow_up_question.html", context)


@login_required
@require_POST
def follow_up_question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_follow_up")
    domain.delete_follow_up_question(get_object_or_404(event.follow_up_questions, pk=pk), actor=request.user)
    messages.success(request, _("The question and its answers were deleted."))
    return redirect("events:follow_up", slug=slug)


@login_required
@require_GET
def follow_up_answers(request: HttpRequest, slug: str) -> HttpResponse:
    """Every confirmed participant's answers, passport details included: organisers only."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_follow_up")
    page = page_of(followup.answering(event), request.GET.get("page"), ANSWERS_PAGE_SIZE)
    table = followup.table(event, page.object_list)
    return render(request, "events/follow_up_answers.html", {"event": event, "page": page, "table": table})


@login_required
@require_GET
def follow_up_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The answers as CSV; every cell through the formula guard (core.csvcells)."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_follow_up")
    table = followup.table(event)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-follow-up.csv"'
    response["Cache-Control"] = "private, no-store"  # personal data
    writer = csv.writer(response)
    writer.writerow([neutralise(cell) for cell in table.header])
    writer.writerows([neutralise(cell) for cell in row] for row in table.rows)
    return response
