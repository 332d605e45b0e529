import copy
import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silkbridge.accounts.models import AuthenticatedRequest
from silkbridge.cooperation import domain, importing, queries, rules
from silkbridge.cooperation.enums import ReviewStatus
from silkbridge.cooperation.forms import AsOfForm, ImportForm, RecordOutputForm, ReviewForm, picked_label
from silkbridge.cooperation.kinds import IMPORTABLE, RECORDS, Kind, record_kind
from silkbridge.cooperation.models import ImportJob, Output
from silkbridge.cooperation.tasks import run_import_job
from silkbridge.core.audit import history
from silkbridge.core.pagination import page_of
from silkbridge.core.views import confirm_delete
from silkbridge.registry.forms import OrganisationFilterForm
from silkbridge.registry.identity import explain_match, suggest_organisation
from silkbridge.registry.models import Organisation
from silkbridge.registry.queries import search_organisations, text_filter


def _kind(slug: str) -> Kind:
    try:
        return record_kind(slug)
    except LookupError:
        raise Http404 from None


def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    form = OrganisationFilterForm(request.GET or None)  # q, country and field, as on the organisation list
    filters = form.filters()
    as_of = AsOfForm(request.GET or None, statuses=queries.status_choices(spec.model))
    day, status = as_of.values()
    qs = queries.records(spec.model, q=filters["q"], country=filters["country"], field=filters["field"])
    qs = queries.with_status(qs, status, day).prefetch_related(*spec.prefetch)
    page = page_of(qs, request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)
    for record in page.object_list:
        record.status_then = record.status_on(day)
    context = {"kind": kind, "spec": spec, "form": form, "as_of": as_of, "page": page, "day": day,
               "kinds": RECORDS}  # fmt: skip
    return render(request, "cooperation/list.html", context, status=as_of.status_code)


def record_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The published version to everyone; an unpublished record, and a pending change with
    the review's comment, to those who may change or publish it (the getter decides)."""
    spec = _kind(kind)
    record = domain.get_record_for_user(request.user, kind, pk)
    prefetch_related_objects([record], *spec.prefetch, "fields")
    as_of = AsOfForm(request.GET or None)
    day, _status = as_of.values()
    context = {"kind": kind, "spec": spec, "record": record, "as_of": as_of, "day": day,
               "status": record.status_on(day), "chain": queries.chain(record),
               "review_form": ReviewForm(), "pending_rows": _pending_rows(record),
               "review_url": reverse("cooperation:review_action", args=[kind, pk]),
               "outputs": queries.outputs_of(record, request.user) if spec.model.partnership_field else []}  # fmt: skip
    return render(request, "cooperation/detail.html", context, status=as_of.status_code)


RELATION_LABELS = {
    "partners": gettext_lazy("Partners"),
    "parties": gettext_lazy("Parties"),
    "years": gettext_lazy("Yearly figures"),
}


def _pending_rows(record: Any) -> list[tuple[str, str, str]]:
    """A pending change as (label, published value, submitted value) rows."""
    if not record.pending:
        return []
    names = {f.attname: f.verbose_name for f in record._meta.get_fields() if hasattr(f, "attname")}
    names.update({f.name: f.verbose_name for f in record._meta.many_to_many}, **RELATION_LABELS)
    org_ids = {int(v.split(":")[0]) for old, new in [record.pending["changes"].get("partners", [[], []])]
               for v in (old or []) + (new or [])}  # fmt: skip
    orgs = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))

    def shown(name: str, value: Any) -> str:
        if name == "partners":
            value = [f"{orgs.get(int(v.split(':')[0]), v)} ({v.split(':')[1]})" for v in value or []]
        if isinstance(value, dict):
            value = list(value.values())
        return ", ".join(map(str, value)) if isinstance(value, list) else ("—" if value in (None, "") else str(value))

    return [(str(names.get(n, n)), shown(n, old), shown(n, new)) for n, (old, new) in record.pending["changes"].items()]


def _form_input(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}


def _pending_input(record: Any) -> QueryDict | None:
    """The form input of a record's pending change, to edit it again."""
    if not record.pending:
        return None
    data = QueryDict(mutable=True)
    for key, values in record.pending["form"].items():
        data.setlist(key, values)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: AuthenticatedRequest, kind: str, pk: int | None = None) -> HttpResponse:
    spec = _kind(kind)
    if pk:
        record = domain.get_record_for_user(request.user, kind, pk, write=True)
    elif request.user.has_perm("cooperation.add_record"):
        record = spec.model()
    else:
        raise PermissionDenied
    refusal = domain.pending_change_refusal(record) if domain.may_publish(request.user) else ""
    if refusal:  # a moderator reviews a pending change before editing (nothing is dropped unseen)
        return _pending_first(request, record, refusal, reverse("cooperation:review_action", args=[kind, pk]))
    form = spec.form(request.POST or _pending_input(record), instance=copy.copy(record), user=request.user)
    violation = (
        rules.party_violation(request.user, record, form.domain_data()) if form.is_bound and form.is_valid() else None
    )
    if violation:
        form.add_error("partners_text", violation)
    elif request.method == "POST" and form.is_valid():
        domain.save_record(record, data=form.domain_data(), actor=request.user, form_input=_form_input(request))
        if record.review_status == ReviewStatus.PUBLISHED:
            messages.success(request, _("“%(name)s” was saved.") % {"name": record})
        else:
            messages.success(request, _("“%(name)s” was submitted for review.") % {"name": form.cleaned_data["name"]})
        return redirect(record)
    context = {
        "kind": kind, "spec": spec, "record": record, "form": form,
        "cancel_url": record.get_absolute_url() if record.pk else reverse("cooperation:list", args=[kind]),
        "extra_template": spec.form_template,
    }  # fmt: skip
    return render(request, "cooperation/form.html", context)


def _pending_first(request: HttpRequest, reviewed: Any, refusal: str, review_url: str) -> HttpResponse:
    """Instead of a moderator's edit form: the change awaiting review (who, when, what) with
    the review's buttons; 409 to a submitted form, which changes nothing."""
    perm = "cooperation.withdraw_output" if isinstance(reviewed, Output) else "cooperation.withdraw_record"
    context = {"reviewed": reviewed, "refusal": refusal, "pending_rows": _pending_rows(reviewed),
               "review_url": review_url, "review_form": ReviewForm(), "can_publish": True,
               "can_withdraw": request.user.has_perm(perm, reviewed)}  # fmt: skip
    return render(request, "cooperation/pending_first.html", context, status=409 if request.method == "POST" else 200)


@login_required
def suggest_organisations(request: AuthenticatedRequest) -> HttpResponse:
    """Organisations for the typed text (htmx, as you type): the affiliation matcher's
    choice with its reason first, then registry names that match."""
    q = request.GET.get("q", "").strip()[:200]
    suggestions: list[tuple[Any, str]] = []
    if len(q) >= 2:
        org, match = suggest_organisation(q)
        if org is not None:
            suggestions.append((org, explain_match(match.reason)))
        found = search_organisations(q=q).exclude(pk__in=[org.pk] if org else [])[:5]
        suggestions += [(other, "") for other in found]
    return render(request, "cooperation/_suggestions.html", {"suggestions": suggestions, "q": q})


PICKABLE = ("agreements", "labs")


@login_required
def suggest_records(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    """Agreements or labs for the text typed in a picker (htmx, as you type): only records
    the user may see, each with the label the picker reads back."""
    if kind not in PICKABLE:
        raise Http404
    q = next((request.GET[k] for k in ("q", "agreement", "lab") if request.GET.get(k)), "").strip()[:200]
    found: list[Any] = []
    if len(q) >= 2:
        visible = queries.pickable_records(_kind(kind).model, request.user)
        found = list(visible.filter(text_filter(q)).order_by("pk")[:8]) if not q.isdigit() else []
        found += list(visible.filter(pk=int(q))) if q.isdigit() else []
    suggestions = [(record, picked_label(record)) for record in found]
    return render(request, "cooperation/_record_suggestions.html", {"suggestions": suggestions, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def output_edit(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int | None = None) -> HttpResponse:
    """Add or edit an output on its record's page (whoever may change the record); what
    someone other than a moderator writes is submitted for review, as for the records."""
    spec = _kind(kind)
    if not spec.model.partnership_field:
        raise Http404  # agreements have no outputs
    record = domain.get_record_for_user(request.user, kind, pk, write=True)
    if output_pk is None:
        output = Output(**{spec.model.partnership_field: record})
    else:
        output = domain.get_output_for_user(request.user, kind, pk, output_pk, write=True)
    refusal = domain.pending_change_refusal(output) if domain.may_publish(request.user) else ""
    if refusal:
        return _pending_first(
            request, output, refusal, reverse("cooperation:output_review", args=[kind, pk, output.pk])
        )
    form = RecordOutputForm(request.POST or _pending_input(output), instance=copy.copy(output))
    if request.method == "POST" and form.is_valid():
        domain.save_output(output, data=form.domain_data(), actor=request.user, form_input=_form_input(request))
        published = output.review_status == ReviewStatus.PUBLISHED
        messages.success(
            request, _("The output was saved.") if published else _("The output was submitted for review.")
        )
        return redirect(record)
    title = _("Edit an output of “%(name)s”") if output.pk else _("Add an output to “%(name)s”")
    review_url = reverse("cooperation:output_review", args=[kind, pk, output.pk]) if output.pk else ""
    context = {"form": form, "record": record, "kind": kind, "spec": spec, "title": title % {"name": record},
               "cancel_url": record.get_absolute_url(), "output": output, "review_form": ReviewForm(),
               "pending_rows": _pending_rows(output) if output.pk else [], "review_url": review_url}  # fmt: skip
    return render(request, "cooperation/output_form.html", context)


@login_required
@require_POST
def output_review(request: AuthenticatedRequest, kind: str, pk: int, output_pk: int) -> HttpResponse:
    """Publish, send back (with a comment) or withdraw a submitted output."""
    output = domain.get_output_for_user(request.user, kind, pk, output_pk)
    return _decide(request, output, OUTPUT_REVIEW_PERMS)


@login_required
@require_http_methods(["GET", "POST"])
def output_delete(request: HttpRequest, kind: str, pk: int, output_pk: int) -> HttpResponse:
    output = domain.get_output_for_user(request.user, kind, pk, output_pk)
    return confirm_delete(
        request, output, perm="cooperation.delete_output", delete=domain.delete_output,
        success_url=output.get_absolute_url(),
    )  # fmt: skip


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Moderators: every submission awaiting review, oldest first. Everyone: their own
    submissions that are not yet published."""
    queue = queries.awaiting_review() if request.user.has_perm("cooperation.publish_record") else None
    mine = queries.submissions_of(request.user)
    return render(request, "cooperation/review.html", {"queue": queue, "mine": mine})


@login_required
@require_POST
def record_review(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    """Publish, send back (with a comment) or withdraw a submission."""
    record = domain.get_record_for_user(request.user, kind, pk)
    return _decide(request, record, REVIEW_PERMS)


def _decide(request: AuthenticatedRequest, record: Any, perms: dict[str, str]) -> HttpResponse:
    """The review step the form asks for, on a record or an output, if `perms` allow it."""
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied  # only the buttons of the page post here
    action = form.cleaned_data["action"]
    if not request.user.has_perm(perms[action], record):
        raise PermissionDenied
    try:
        if action == "publish":
            domain.publish_record(record, actor=request.user)
        elif action == "send_back":
            domain.send_back_record(record, comment=form.cleaned_data["comment"], actor=request.user)
        else:
            domain.withdraw_record(record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, REVIEW_DONE[action] % {"name": record})
    return redirect(record)


REVIEW_PERMS = {"publish": "cooperation.publish_record", "send_back": "cooperation.publish_record",
                "withdraw": "cooperation.withdraw_record"}  # fmt: skip
OUTPUT_REVIEW_PERMS = {**REVIEW_PERMS, "withdraw": "cooperation.withdraw_output"}
REVIEW_DONE = {"publish": gettext_lazy("“%(name)s” was published."),
               "send_back": gettext_lazy("“%(name)s” was sent back."),
               "withdraw": gettext_lazy("The submission of “%(name)s” was withdrawn.")}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = domain.get_record_for_user(request.user, kind, pk)
    return confirm_delete(
        request, record, perm="cooperation.delete_record", delete=domain.delete_record,
        success_url=reverse("cooperation:list", args=[kind]),
    )  # fmt: skip


def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The audit trail; submissions and their fate only to those who may change or publish
    the record (a pending change is not public until it is published)."""
    record = domain.get_record_for_user(request.user, kind, pk)
    entries = history(record)
    if not (request.user.has_perm("cooperation.change_record", record)
            or request.user.has_perm("cooperation.publish_record")):  # fmt: skip
        entries = entries.exclude(action__in=["submit", "send_back", "withdraw"])
    page = page_of(entries, request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)
    return render(request, "registry/history.html", {"object": record, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def import_records(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a CSV or Excel file for one kind; a dry run shows what would happen."""
    if not request.user.has_perm("cooperation.import_records"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_rows(upload.name, upload.read(importing.MAX_BYTES + 1))
        except importing.ImportFailure as failure:
            form.add_error("file", str(failure))
        else:
            kind, dry_run = form.cleaned_data["kind"], form.cleaned_data["dry_run"]
            if len(rows) > importing.BACKGROUND_ROWS:
                job = ImportJob.objects.create(
                    actor=request.user,
                    kind=kind, dry_run=dry_run, language=get_language() or "en",
                    filename=upload.name[:255], rows=rows, total_rows=len(rows),
                )  # fmt: skip
                run_import_job.enqueue(job.pk)  # at once where tasks run immediately, else by a worker
                return redirect("cooperation:import_job", pk=job.pk)
            report = importing.run_import(kind, rows, actor=request.user, dry_run=dry_run)
    docs = {slug: importing.columns(slug) for slug in IMPORTABLE}
    kinds = {slug: kind.title for slug, kind in IMPORTABLE.items()}
    return render(request, "cooperation/import.html", {"form": form, "report": report, "docs": docs, "kinds": kinds})


@login_required
def import_job(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A background import: its progress while it runs (the page reloads itself), then its
    report. Only for the person who started it, moderators and staff."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.actor_id != request.user.pk and not request.user.has_perm("cooperation.import_records"):
        raise Http404
    report = importing.StoredReport(job.report) if job.report else None
    return render(request, "cooperation/import_job.html", {"job": job, "report": report})


def import_template(request: HttpRequest, kind: str, extension: str) -> HttpResponse:
    if kind not in IMPORTABLE or extension not in ("csv", "xlsx"):
        raise Http404
    if extension == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        for row in importing.template_rows(kind):  # the header and an example row
            book.active.append(row)  # type: ignore[union-attr]
        buffer = io.BytesIO()
        book.save(buffer)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
    else:
        response = HttpResponse(importing.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="silkbridge-{kind}-template.{extension}"'
    return response
