import copy
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from silkbridge.cooperation import domain, importing, queries, rules
from silkbridge.cooperation.forms import AgreementForm, CentreForm, ImportForm, JointLabForm, ProjectForm, RecordForm
from silkbridge.cooperation.models import Agreement, DemonstrationCentre, ImportJob, JointLab, Project
from silkbridge.cooperation.tasks import run_import_job
from silkbridge.core.audit import history
from silkbridge.core.pagination import page_of
from silkbridge.core.views import confirm_delete
from silkbridge.registry.forms import OrganisationFilterForm


@dataclass(frozen=True)
class Kind:
    model: type[Any]
    form: type[RecordForm]
    title: Promise
    prefetch: tuple[str, ...]


KINDS = {
    "agreements": Kind(
        Agreement, AgreementForm, gettext_lazy("Agreements"), ("parties__country", "parties__organisation")
    ),
    "labs": Kind(JointLab, JointLabForm, gettext_lazy("Joint laboratories"), ("partners__organisation",)),
    "centres": Kind(
        DemonstrationCentre, CentreForm, gettext_lazy("Demonstration centres"), ("partners__organisation",)
    ),
    "projects": Kind(Project, ProjectForm, gettext_lazy("Projects"), ("partners__organisation",)),
}


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404
    return KINDS[slug]


def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    form = OrganisationFilterForm(request.GET or None)  # q, country and field, as on the organisation list
    filters = form.filters()
    qs = queries.records(spec.model, q=filters["q"], country=filters["country"], field=filters["field"])
    page = page_of(qs.prefetch_related(*spec.prefetch), request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)
    context = {"kind": kind, "spec": spec, "form": form, "page": page, "today": timezone.localdate(),
               "kinds": KINDS}  # fmt: skip
    return render(request, "cooperation/list.html", context)


def record_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    record = get_object_or_404(spec.model.objects.prefetch_related(*spec.prefetch, "fields"), pk=pk)
    context = {"kind": kind, "spec": spec, "record": record, "today": timezone.localdate()}
    return render(request, "cooperation/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    spec = _kind(kind)
    record = get_object_or_404(spec.model, pk=pk) if pk else spec.model()
    allowed = (
        request.user.has_perm("cooperation.change_record", record)
        if pk
        else request.user.has_perm("cooperation.add_record")
    )
    if not allowed:
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
        "extra_template": "cooperation/_years.html" if hasattr(form, "years") else "",
    }  # fmt: skip
    return render(request, "cooperation/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_object_or_404(_kind(kind).model, pk=pk)
    return confirm_delete(
        request, record, perm="cooperation.delete_record", delete=domain.delete_record,
        success_url=reverse("cooperation:list", args=[kind]),
    )  # fmt: skip


def record_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_object_or_404(_kind(kind).model, pk=pk)
    page = page_of(history(record), request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)
    return render(request, "registry/history.html", {"object": record, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def import_records(request: HttpRequest) -> HttpResponse:
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
                    actor=request.user,  # type: ignore[misc]  # signed in: login_required
                    kind=kind, dry_run=dry_run, language=get_language() or "en",
                    filename=upload.name[:255], rows=rows, total_rows=len(rows),
                )  # fmt: skip
                run_import_job.enqueue(job.pk)  # at once where tasks run immediately, else by a worker
                return redirect("cooperation:import_job", pk=job.pk)
            report = importing.run_import(kind, rows, actor=request.user, dry_run=dry_run)
    docs = {slug: importing.columns(slug) for slug in importing.FORMS}
    kinds = {**{slug: spec.title for slug, spec in KINDS.items()}, "outputs": gettext_lazy("Outputs")}
    return render(request, "cooperation/import.html", {"form": form, "report": report, "docs": docs, "kinds": kinds})


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background import: its progress while it runs (the page reloads itself), then its
    report. Only for the person who started it, moderators and staff."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.actor_id != request.user.pk and not request.user.has_perm("cooperation.import_records"):
        raise Http404
    report = importing.StoredReport(job.report) if job.report else None
    return render(request, "cooperation/import_job.html", {"job": job, "report": report})


def import_template(request: HttpRequest, kind: str, extension: str) -> HttpResponse:
    if kind not in importing.FORMS or extension not in ("csv", "xlsx"):
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
