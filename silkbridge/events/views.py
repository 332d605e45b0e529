"""Event pages: the public event, registration, the meeting directory and requests, the
personal agenda (web and .ics), and the organiser's set-up and schedule pages."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from silkbridge.core.pagination import page_of
from silkbridge.events import agenda, badges, domain, queries, report, suggestions
from silkbridge.events.enums import RunStatus
from silkbridge.events.forms import (
    AnswerForm,
    BookingForm,
    CheckInForm,
    DelegationInviteForm,
    DelegationMemberForm,
    DirectoryListingForm,
    EventForm,
    FeedbackForm,
    MeetingRequestForm,
    PlacementForm,
    RegisterForm,
    ScheduleRunForm,
    SessionForm,
)
from silkbridge.events.models import Event, Session
from silkbridge.events.tasks import run_scheduler
from silkbridge.registry.countries import country_name, iso_countries


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = queries.events_for_user(request.user)
    can_add = request.user.has_perm("events.add_event")
    return render(request, "events/list.html", {"events": events, "can_add": can_add})


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    registration = queries.registration_of(event, request.user)
    context = {
        "event": event,
        "registration": registration,
        "headed": queries.delegations_headed_by(event, request.user),
        "categories": queries.categories_with_seats(event),
        "form": RegisterForm(event=event) if registration is None else None,
    }
    return render(request, "events/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    if slug:
        event = queries.get_event_for_user(request.user, slug, perm="events.change_event")
    elif request.user.has_perm("events.add_event"):
        event = Event()
    else:
        raise PermissionDenied
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_event(event, data=form.domain_data(), categories=form.categories(),
                              slots=form.cleaned_data["slots"], table_count=form.cleaned_data["table_count"],
                              actor=request.user)  # fmt: skip
        except domain.SetupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event was saved."))
            return redirect(event)
    cancel_url = event.get_absolute_url() if event.pk else reverse("events:list")
    return render(request, "events/form.html", {"event": event, "form": form, "cancel_url": cancel_url})


@login_required
@require_POST
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.register")
    form = RegisterForm(request.POST, event=event)
    if form.is_valid():
        try:
            registration = domain.register_for_event(
                event=event, user=request.user, category=form.cleaned_data["category"], actor=request.user
            )
        except domain.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, registration.get_status_display())
    return redirect(event)


@login_required
@require_POST
def cancel_registration(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    domain.cancel_registration(queries.get_registration_for_user(request.user, event), actor=request.user)
    messages.success(request, _("Your registration was cancelled."))
    return redirect(event)


@login_required
@require_http_methods(["GET", "POST"])
def directory(request: HttpRequest, slug: str) -> HttpResponse:
    """The participants who take meeting requests; a participant also lists themselves here."""
    event = queries.get_event_for_user(request.user, slug, perm="events.view_directory")
    me = queries.registration_of(event, request.user)
    initial = {"opt_in": me.b2b_opt_in, "pitch": me.pitch} if me else {}
    listing = DirectoryListingForm(request.POST or None, initial=initial)
    if me is not None and request.method == "POST" and listing.is_valid():
        data = listing.cleaned_data
        domain.set_directory_listing(me, opt_in=data["opt_in"], pitch=data["pitch"], actor=request.user)
        messages.success(request, _("Your directory listing was saved."))
        return redirect("events:directory", slug=slug)
    context = {"event": event, "me": me, "listing": listing, "people": queries.directory(event, me),
               "request_form": MeetingRequestForm()}  # fmt: skip
    return render(request, "events/directory.html", context)


@login_required
@require_GET
def people_to_meet(request: HttpRequest, slug: str) -> HttpResponse:
    """The engine's suggestions from the directory, for a confirmed participant."""
    event = queries.get_event_for_user(request.user, slug, perm="events.request_meeting")
    me = queries.get_confirmed_registration_for_user(request.user, event)
    people = suggestions.people_to_meet(me, user=request.user)
    context = {"event": event, "me": me, "people": people, "request_form": MeetingRequestForm()}
    return render(request, "events/people_to_meet.html", context)


@login_required
@require_POST
def request_meeting(request: HttpRequest, slug: str, registration_id: int) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.request_meeting")
    me = queries.get_registration_for_user(request.user, event)
    recipient = queries.directory(event, me).filter(pk=registration_id).first()
    form = MeetingRequestForm(request.POST)
    if recipient is None or not form.is_valid():
        messages.error(request, _("The request could not be sent."))
        return redirect("events:directory", slug=slug)
    try:
        domain.send_meeting_request(requester=me, recipient=recipient, reason=form.cleaned_data["reason"],
                                    actor=request.user)  # fmt: skip
    except domain.RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request was sent."))
    return redirect("events:requests", slug=slug)


@login_required
@require_GET
def my_requests(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    me = queries.get_registration_for_user(request.user, event)
    sent, received = queries.requests_of(me)
    context = {"event": event, "sent": sent, "received": received, "answer_form": AnswerForm(),
               "booked": queries.booked_request_ids(me)}  # fmt: skip
    return render(request, "events/requests.html", context)


@login_required
@require_POST
def answer_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    meeting_request = queries.get_request_for_user(request.user, event, pk, perm="events.answer_request")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("events:requests", slug=slug)
    try:
        if form.cleaned_data["decision"] == "accept":
            domain.accept_meeting_request(meeting_request, actor=request.user)
        else:
            reason = form.cleaned_data["decline_reason"]
            domain.decline_meeting_request(meeting_request, reason=reason, actor=request.user)
    except domain.RequestError as error:
        messages.error(request, str(error))
    return redirect("events:requests", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def book_meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One side of an accepted request picks a free common slot (while booking is open)."""
    event = queries.get_event_for_user(request.user, slug)
    meeting_request = queries.get_request_for_user(request.user, event, pk, perm="events.book_meeting")
    form = BookingForm(request.POST or None, slots=queries.free_common_slots(meeting_request))
    if request.method == "POST" and form.is_valid():
        try:
            domain.self_book_meeting(meeting_request, slot=form.cleaned_data["slot"], actor=request.user)
        except domain.MeetingRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your meeting is booked."))
            return redirect("events:agenda", slug=slug)
    return render(request, "events/book.html", {"event": event, "request_": meeting_request, "form": form})


@login_required
@require_GET
def agenda_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    me = queries.get_registration_for_user(request.user, event)
    programme = queries.published_programme(event)
    context = {"event": event, "me": me, "items": agenda.items_for(me), "feedback_form": FeedbackForm(),
               "talks": agenda.talks_for(me, programme), "bookmarked": agenda.bookmarked_for(me, programme),
               "answers": queries.feedback_of(me), "now": timezone.now()}  # fmt: skip
    return render(request, "events/agenda.html", context)


@login_required
@require_POST
def meeting_feedback(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """'Did this meeting happen?' and 'what did it lead to?', from one side of the meeting."""
    event = queries.get_event_for_user(request.user, slug)
    me = queries.get_registration_for_user(request.user, event)
    meeting = queries.meetings_of(me).filter(pk=pk).first()
    form = FeedbackForm(request.POST)
    if meeting is None:
        raise Http404
    if form.is_valid():
        try:
            domain.record_meeting_feedback(meeting, registration=me, actor=request.user, **form.cleaned_data)
        except domain.MeetingRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: your answer was saved."))
    return redirect("events:agenda", slug=slug)


@login_required
@require_POST
def carry_agreement(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Carry the agreement a meeting led to into the cooperation registry, for review."""
    return _carry(request, slug, pk, domain.carry_agreement_to_registry,
                  _("The agreement draft was added to the cooperation registry."))  # fmt: skip


@login_required
@require_POST
def carry_project(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Carry the agreement a meeting led to into the cooperation registry as a project draft."""
    return _carry(request, slug, pk, domain.carry_project_to_registry,
                  _("The project draft was added to the cooperation registry."))  # fmt: skip


def _carry(request: HttpRequest, slug: str, pk: int, carry: Any, done: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    feedback = queries.get_own_feedback(queries.get_registration_for_user(request.user, event), pk)
    try:
        record = carry(feedback, actor=request.user)
    except domain.OutcomeError as error:
        messages.error(request, str(error))
        return redirect("events:agenda", slug=slug)
    messages.success(request, done)
    return redirect(record.get_absolute_url())


@login_required
@require_GET
def agenda_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    me = queries.get_registration_for_user(request.user, event)
    response = HttpResponse(agenda.to_ics(event, me), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-agenda.ics"'
    return response


# --- Badges --------------------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # badge secrets
    return response


@login_required
@require_GET
def my_badge(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    me = queries.get_confirmed_registration_for_user(request.user, event)
    return _pdf(badges.badges_pdf(event, [me]), f"{event.slug}-badge.pdf")


@login_required
@require_GET
def event_badges(request: HttpRequest, slug: str) -> HttpResponse:
    """All confirmed participants' badges (?category=scholar for one category), as A6
    pages or (?layout=sheet) four to an A4 sheet."""
    event = queries.get_event_for_user(request.user, slug, perm="events.print_badges")
    category = request.GET.get("category", "")
    registrations = queries.badge_registrations(event, category)
    content = badges.badges_pdf(event, registrations, sheet=request.GET.get("layout") == "sheet")
    return _pdf(content, f"{event.slug}-badges{'-' + category if category else ''}.pdf")


# --- Check-in -------------------------------------------------------------------------------------


@login_required
@require_GET
def check_in_desk(request: HttpRequest, slug: str) -> HttpResponse:
    """The desk page: a code typed or scanned (static/js/checkin.js) is posted to
    `check_in`; offline, the script queues it in the browser and sends it later."""
    event = queries.get_event_for_user(request.user, slug, perm="events.check_in")
    context = {"event": event, "form": CheckInForm(), "attendance": queries.attendance(event)}
    return render(request, "events/checkin.html", context)


@login_required
@require_POST
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Check a badge's code in; JSON for the desk's script, a message and redirect without it."""
    event = queries.get_event_for_user(request.user, slug, perm="events.check_in")
    form = CheckInForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    result, text = domain.describe_check_in(domain.check_in(event=event, code=code, actor=request.user), code)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"result": result, "message": text, "code": code})
    (messages.success if result == "checked-in" else messages.warning)(request, text)
    return redirect("events:check_in_desk", slug=event.slug)


# --- Programme ------------------------------------------------------------------------------------


@require_GET
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    """The published programme (its latest version), with bookmarks for participants."""
    event = queries.get_event_for_user(request.user, slug)
    me = queries.registration_of(event, request.user)
    can_bookmark = me is not None and request.user.has_perm("events.bookmark_session", event)
    context = {"event": event, "sessions": queries.published_programme(event), "can_bookmark": can_bookmark,
               "marked": queries.bookmarked_keys(me if can_bookmark else None)}  # fmt: skip
    return render(request, "events/programme.html", context)


@require_GET
def programme_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    response = HttpResponse(agenda.programme_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-programme.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.change_event")
    session = get_object_or_404(event.sessions, pk=pk) if pk else Session(event=event)
    form = SessionForm(request.POST or None, event=event, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_session(session, data=form.domain_data(), speakers=list(form.cleaned_data["speakers"]),
                                actor=request.user)  # fmt: skip
        except domain.ProgrammeClash as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The session was saved."))
            return redirect("events:programme_draft", slug=slug)
    cancel_url = reverse("events:programme_draft", args=[slug])
    return render(request, "events/session_form.html", {"event": event, "form": form, "cancel_url": cancel_url})


@login_required
@require_POST
def session_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.change_event")
    domain.delete_session(get_object_or_404(event.sessions, pk=pk), actor=request.user)
    messages.success(request, _("The session was deleted."))
    return redirect("events:programme_draft", slug=slug)


# --- Delegations ---------------------------------------------------------------------------------


def _countries() -> list[tuple[str, str]]:
    rows = [(c["code"], country_name(c["code"], c["name_en"])) for c in iso_countries()]
    return sorted(rows, key=lambda row: row[1])


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers invite heads of delegation and see each delegation's members."""
    event = queries.get_event_for_user(request.user, slug, perm="events.invite_delegation")
    form = DelegationInviteForm(request.POST or None, countries=_countries())
    if request.method == "POST" and form.is_valid():
        link = request.build_absolute_uri(reverse("events:join_delegation", args=[slug, "TOKEN"]))
        try:
            domain.invite_delegation(event=event, link=link.replace("TOKEN", "{token}"), actor=request.user,
                                     **form.cleaned_data)  # fmt: skip
        except domain.DelegationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The invitation was sent."))
            return redirect("events:delegations", slug=slug)
    rows = event.delegations.annotate(size=Count("members", filter=~Q(members__status="cancelled")))
    return render(request, "events/delegations.html", {"event": event, "form": form, "delegations": rows})


@login_required
@require_http_methods(["GET", "POST"])
def join_delegation(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The invited head of delegation accepts (signed in with any account)."""
    event = queries.get_event_for_user(request.user, slug)
    delegation = event.delegations.filter(token=token).first()
    if delegation is None:
        raise Http404
    if request.method == "POST":
        try:
            domain.accept_delegation(delegation, user=request.user, actor=request.user)
        except domain.DelegationError as error:
            messages.error(request, str(error))
            return redirect(event)
        return redirect("events:delegation", slug=slug, pk=delegation.pk)
    return render(request, "events/delegation_join.html", {"event": event, "delegation": delegation})


@login_required
@require_http_methods(["GET", "POST"])
def delegation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The head of delegation (or an organiser) registers and removes the members."""
    event = queries.get_event_for_user(request.user, slug)
    delegation = queries.get_delegation_for_user(request.user, event, pk)
    form = DelegationMemberForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            domain.add_delegation_member(delegation, actor=request.user, **form.cleaned_data)
        except domain.DelegationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The member was registered."))
            return redirect("events:delegation", slug=slug, pk=pk)
    context = {"event": event, "delegation": delegation, "members": queries.delegation_members(delegation),
               "form": form, "country": dict(_countries()).get(delegation.country, delegation.country)}  # fmt: skip
    return render(request, "events/delegation.html", context)


@login_required
@require_POST
def remove_delegation_member(request: HttpRequest, slug: str, pk: int, registration_id: int) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug)
    delegation = queries.get_delegation_for_user(request.user, event, pk)
    member = queries.delegation_members(delegation).filter(pk=registration_id).first()
    if member is None:
        raise Http404
    domain.cancel_registration(member, actor=request.user)
    messages.success(request, _("The member was removed."))
    return redirect("events:delegation", slug=slug, pk=pk)


# --- Organisers ----------------------------------------------------------------------------------

SCHEDULE_PAGE_SIZE = 100


@login_required
@require_GET
def registrations(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.view_registrations")
    page = page_of(queries.registrations_for_organiser(event), request.GET.get("page"), SCHEDULE_PAGE_SIZE)
    context = {"event": event, "page": page, "categories": event.categories.all()}
    return render(request, "events/registrations.html", context)


@login_required
@require_GET
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """The organiser's schedule: the last run's figures, the meetings, the unscheduled requests."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_schedule")
    run, finished = queries.latest_run(event), queries.latest_finished_run(event)
    context = {
        "event": event, "run": run, "finished": finished, "run_form": ScheduleRunForm(),
        "running": run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "page": page_of(queries.event_meetings(event), request.GET.get("page"), SCHEDULE_PAGE_SIZE),
        "unscheduled": queries.unscheduled_with_labels(event, finished),
        "counts": queries.request_counts(event), "drafts": queries.draft_count(event),
    }  # fmt: skip
    return render(request, "events/schedule.html", context)


@login_required
@require_GET
def event_report(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.view_report")
    sections = [(section, _bars(section)) for section in report.event_report(event)]
    return render(request, "events/report.html", {"event": event, "sections": sections})


def _bars(section: report.Section) -> list[dict[str, Any]]:
    top = section.maximum or 1
    return [{"label": label, "value": value, "y": 24 * n, "width": round(600 * value / top) if value else 0}
            for n, (_code, label, value) in enumerate(section.rows)]  # fmt: skip


@login_required
@require_GET
def event_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.view_report")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-report.csv"'
    writer = csv.writer(response)
    writer.writerow(["section", "code", "label", "value"])
    for section in report.event_report(event):
        writer.writerows([section.key, code, label, value] for code, label, value in section.rows)
    return response


@login_required
@require_POST
def run_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue the scheduler as a background task (after commit, so the worker sees the run)."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_schedule")
    form = ScheduleRunForm(request.POST)
    limit = form.cleaned_data["time_limit"] if form.is_valid() else 8.0
    run = domain.request_schedule(event, actor=request.user, time_limit=limit)
    transaction.on_commit(lambda: run_scheduler.enqueue(run.pk))
    messages.success(request, _("The scheduler was started."))
    return redirect("events:schedule", slug=slug)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_schedule")
    count = domain.publish_schedule(event, actor=request.user)
    messages.success(request, _("%(count)s meetings were published.") % {"count": count})
    return redirect("events:schedule", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move a meeting to another slot or table; the rules are checked under the event's lock."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_schedule")
    meeting = queries.get_meeting_for_user(request.user, event, pk)
    form = PlacementForm(request.POST or None, event=event, initial={"slot": meeting.slot, "table": meeting.table})
    if request.method == "POST" and form.is_valid():
        try:
            domain.move_meeting(meeting, actor=request.user, **form.cleaned_data)
        except domain.MeetingRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting was moved."))
            return redirect("events:schedule", slug=slug)
    context = {"event": event, "meeting": meeting, "request_": meeting.request, "form": form}
    return render(request, "events/placement.html", context)


@login_required
@require_POST
def meeting_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Cancel, pin or unpin a meeting."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_schedule")
    meeting = queries.get_meeting_for_user(request.user, event, pk)
    if action == "cancel":
        domain.cancel_meeting(meeting, actor=request.user)
        messages.success(request, _("The meeting was cancelled."))
    elif action in ("pin", "unpin"):
        domain.pin_meeting(meeting, pinned=action == "pin", actor=request.user)
    else:
        raise Http404
    return redirect("events:schedule", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def place_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Schedule an unscheduled accepted request by hand (pinned)."""
    event = queries.get_event_for_user(request.user, slug, perm="events.manage_schedule")
    meeting_request = queries.get_request_for_user(request.user, event, pk)
    form = PlacementForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            domain.place_meeting(meeting_request, actor=request.user, **form.cleaned_data)
        except domain.MeetingRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting was scheduled."))
            return redirect("events:schedule", slug=slug)
    context = {"event": event, "meeting": None, "request_": meeting_request, "form": form}
    return render(request, "events/placement.html", context)
