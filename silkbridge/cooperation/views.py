import copy
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from silkbridge.accounts.models import AuthenticatedRequest
from silkbridge.cooperation import domain, importing, queries, rules
from silkbridge.cooperation.forms import ImportForm
from silkbridge.cooperation.kinds import IMPORTABLE, RECORDS, Kind, record_kind
from silkbridge.cooperation.models import ImportJob
from silkbridge.cooperation.tasks import run_import_job
from silkbridge.core.audit import history
from silkbridge.core.pagination import page_of
from silkbridge.core.views import confirm_delete
from silkbridge.registry.forms import OrganisationFilterForm


def _kind(slug: str) -> Kind:
    try:
        return record_kind(slug)
    except LookupError:
        raise Http404 from None


def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    form = OrganisationFilterForm(request.GET or None)  # q, country and field, as on the organisation list
    filters = form.filters()
    qs = queries.records(spec.model, q=filters["q"], country=filters["country"], field=filters["field"])
    page = page_of(qs.prefetch_related(*spec.prefetch), request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)
    context = {"kind": kind, "spec": spec, "form": form, "page": page, "today": timezone.localdate(),
               "kinds": RECORDS}  # fmt: skip
    return render(request, "cooperation/list.html", context)


def record_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    record = get_object_or_404(spec.model.objects.prefetch_related(*spec.prefetch, "fields"), pk=pk)
    context = {"kind": kind, "spec": spec, "record": record, "today": timezone.localdate()}
    return render(request, "cooperation/detail.html", context)


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
    form = spec.form(request.POST or None, instance=copy.copy(record))
    violation = (
        rules.party_violation(request.user, record, form.domain_data()) if form.is_bound and form.is_valid() else None
    )
    if violation:
        form.add_error("partners_text", violation)
    elif request.method == "POST" and form.is_valid():
        domain.save_record(record, data=form.domain_data(), actor=request.user)
        messages.success(request, _("“%(name)s” was saved.") % {"name": record})
        return redirect(record)
    context = {
        "kind": kind, "spec": spec, "record": record, "form": form,
        "cancel_url": record.get_absolute_url() if record.pk else reverse("cooperation:list", args=[kind]),
        "extra_template": spec.form_template,
    }  # fmt: skip
    return render(request, "cooperation/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = domain.get_record_for_user(request.user, kind, pk)
    return confirm_delete(
        request, record, perm="cooperation.delete_record", delete=domain.delete_record,
        success_url=reverse("cooperation:list", args=[kind]),
    )  # fmt: skip


def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = domain.get_record_for_user(request.user, kind, pk)
    page = page_of(history(record), request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)
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
    header = [c for c, _label, _help in importing.columns(kind)]
    if extension == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(header)  # type: ignore[union-attr]
        buffer = io.BytesIO()
        book.save(buffer)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
    else:
        response = HttpResponse(importing.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="silkbridge-{kind}-template.{extension}"'
    return response
