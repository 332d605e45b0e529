import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silkbridge.accounts.models import AuthenticatedRequest
from silkbridge.core.audit import history
from silkbridge.core.models import AuditEntry
from silkbridge.core.pagination import page_of
from silkbridge.core.views import confirm_delete
from silkbridge.registry import domain, identity, queries
from silkbridge.registry.forms import ContactExpertForm, ExpertForm, OrganisationFilterForm, OrganisationForm
from silkbridge.registry.models import Expert
from silkbridge.registry.panels import expert_panels


def _page(request: HttpRequest, qs: QuerySet[Any]) -> Page:
    return page_of(qs, request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)


def country_list(request: HttpRequest) -> HttpResponse:
    countries = sorted(queries.countries_with_counts(), key=lambda c: c.name)
    return render(request, "registry/country_list.html", {"countries": countries})


def field_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/field_list.html", {"broad_fields": queries.field_tree()})


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    page = _page(
        request, queries.search_organisations(**form.filters()) if form.is_bound else queries.search_organisations()
    )
    return render(request, "registry/organisation_list.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    org = domain.get_organisation_for_user(request.user, pk, write=True)
    # The form works on a copy, so that the domain function sees the record as it was.
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=copy.copy(org))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        domain.update_organisation(org, data=data, actor=request.user)
        messages.success(request, _("The organisation was saved."))
        return redirect(org)
    return render(request, "registry/organisation_form.html", {"org": org, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    org = domain.get_organisation_for_user(request.user, pk)
    return confirm_delete(
        request, org, perm="registry.delete_organisation", delete=domain.delete_organisation,
        success_url=reverse("registry:organisations"),
    )  # fmt: skip


def organisation_history(request: HttpRequest, pk: int) -> HttpResponse:
    org = domain.get_organisation_for_user(request.user, pk)
    undone = set(
        AuditEntry.objects.filter(action="unmerge", object_id=str(org.pk)).values_list("changes__of", flat=True)
    )
    can_merge = request.user.has_perm("registry.merge_organisation", org)
    context = {"object": org, "page": _page(request, history(org)), "undone": undone, "can_merge": can_merge}
    return render(request, "registry/history.html", context)


def _require_moderation(request: HttpRequest) -> None:
    if not request.user.has_perm("registry.merge_organisation"):
        raise PermissionDenied


@login_required
def organisation_duplicates(request: HttpRequest) -> HttpResponse:
    _require_moderation(request)
    page = Paginator(identity.likely_duplicates(), 20).get_page(request.GET.get("page"))
    groups = identity.duplicate_groups(page.object_list)
    return render(request, "registry/duplicates.html", {"page": page, "groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_merge(request: AuthenticatedRequest, pk: int, other: int) -> HttpResponse:
    _require_moderation(request)
    survivor = domain.get_organisation_for_user(request.user, pk)
    merged = domain.get_organisation_for_user(request.user, other)
    if survivor.pk == merged.pk:
        raise Http404
    if request.method == "POST":
        identity.merge_organisations(survivor, merged, actor=request.user)
        messages.success(request, _("The organisations were merged. The merge can be undone from the history."))
        return redirect(survivor)
    context = {"survivor": survivor, "merged": merged, "experts": merged.experts.count()}
    return render(request, "registry/merge_confirm.html", context)


@login_required
@require_POST
def organisation_unmerge(request: AuthenticatedRequest, entry: int) -> HttpResponse:
    _require_moderation(request)
    record = get_object_or_404(AuditEntry, pk=entry, action="merge")
    try:
        restored = identity.undo_merge(record, actor=request.user)
    except ValueError:
        messages.error(request, _("This merge was already undone."))
        return redirect("registry:organisation_history", pk=int(record.object_id))
    messages.success(request, _("The merge was undone."))
    return redirect(restored)


def expert_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = _page(request, queries.search_experts(request.user, q=q, country=request.GET.get("country", "")[:2]))
    return render(request, "registry/expert_list.html", {"page": page, "q": q})


def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expert = domain.get_expert_for_user(request.user, pk)
    panels = expert_panels(expert, request.user)
    return render(request, "registry/expert_detail.html", {"expert": expert, "panels": panels})


@login_required
@require_http_methods(["GET", "POST"])
def expert_create(request: AuthenticatedRequest) -> HttpResponse:
    if Expert.objects.filter(user=request.user).exists():  # type: ignore[misc]
        messages.info(request, _("You already have an expert profile."))
        return redirect(request.user.expert_profile)  # type: ignore[union-attr]
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expert = domain.create_expert(data=form.domain_data(), actor=request.user)
        messages.success(request, _("Your expert profile was created."))
        return redirect(expert)
    return render(request, "registry/expert_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    expert = domain.get_expert_for_user(request.user, pk, write=True)
    form = ExpertForm(request.POST or None, instance=copy.copy(expert))
    if request.method == "POST" and form.is_valid():
        domain.update_expert(expert, data=form.domain_data(), actor=request.user)
        messages.success(request, _("The profile was saved."))
        return redirect(expert)
    return render(request, "registry/expert_form.html", {"form": form, "expert": expert})


@login_required
@require_http_methods(["GET", "POST"])
def expert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    expert = domain.get_expert_for_user(request.user, pk)
    return confirm_delete(
        request, expert, perm="registry.delete_expert", delete=domain.delete_expert,
        success_url=reverse("registry:experts"),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def expert_contact(request: HttpRequest, pk: int) -> HttpResponse:
    expert = domain.get_expert_for_user(request.user, pk)
    if not request.user.has_perm("registry.contact_expert", expert):
        raise PermissionDenied
    form = ContactExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.contact_expert(expert, sender=request.user, message=form.cleaned_data["message"])
        except domain.TooManyMessages:
            form.add_error(None, _("You have sent the most messages allowed in one day. Please try again tomorrow."))
        else:
            messages.success(request, _("Your message was sent. The expert will answer by e-mail if they wish."))
            return redirect(expert)
    return render(request, "registry/expert_contact.html", {"expert": expert, "form": form})
