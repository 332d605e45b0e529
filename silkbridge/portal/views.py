"""Pages that combine several apps: home, a country, an organisation with its cooperation
records and suggestions, site search across every registered record kind."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silkbridge.cooperation.forms import AsOfForm
from silkbridge.cooperation.kinds import RECORDS
from silkbridge.cooperation.models import Agreement
from silkbridge.cooperation.queries import (
    centres_open,
    in_force_q,
    labs_active,
    projects_active,
    records_of_country,
    records_of_organisation,
)
from silkbridge.core.pagination import page_of
from silkbridge.marketplace.queries import listings_of_organisation
from silkbridge.matching import domain as matching
from silkbridge.matching.forms import SearchForm, kind_choices
from silkbridge.matching.queries import exposure_report
from silkbridge.portal.sitemaps import SITEMAPS
from silkbridge.registry import domain as registry
from silkbridge.registry import queries
from silkbridge.registry.enums import EditorRequestStatus
from silkbridge.registry.models import Country, EditorRequest, OrganisationRedirect

SEARCH_PER_PAGE = 10


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cooperation = {
        "agreements": Agreement.objects.filter(in_force_q(today)).count(),
        "labs": labs_active(on=today).count(),
        "centres": centres_open(on=today).count(),
        "projects": projects_active(on=today).count(),
    }
    context = {"figures": queries.headline_figures(request.user), "cooperation": cooperation}
    return render(request, "portal/home.html", context)


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = get_object_or_404(Country, code=code.upper())
    organisations = page_of(
        queries.search_organisations(country=country.code), request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE
    )
    experts = queries.search_experts(request.user, country=country.code)[:50]
    agreements = list(Agreement.objects.filter(parties__country=country).distinct()[:50])
    as_of = AsOfForm(request.GET or None)
    cooperation = _on_day({"agreements": agreements, **records_of_country(country.code)}, as_of.values()[0])
    context = {"country": country, "page": organisations, "experts": experts, "cooperation": cooperation,
               "as_of": as_of}  # fmt: skip
    return render(request, "portal/country_detail.html", context, status=as_of.status_code)


def _on_day(records: dict[str, list[Any]], day: Any) -> dict[str, list[Any]]:
    """The cooperation records of a page, each with its status on `day` (``status_then``)."""
    for group in records.values():
        for record in group:
            record.status_then = record.status_on(day)
    return records


def _country_names(codes: Any) -> dict[str, str]:
    return {c.code: c.name for c in Country.objects.filter(code__in=codes)}


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    redirect_to = OrganisationRedirect.objects.filter(old_id=pk).values_list("organisation_id", flat=True).first()
    if redirect_to is not None:  # merged into another organisation: its id keeps working
        return redirect("portal:organisation", pk=redirect_to, permanent=True)
    org = registry.get_organisation_for_user(request.user, pk)
    partners = matching.potential_partners(org, user=request.user)
    as_of = AsOfForm(request.GET or None)
    context = {
        "org": org,
        "fields": org.fields.select_related("parent"),
        "experts": queries.search_experts(request.user, organisation=org.pk)[:50],
        "members": org.memberships.select_related("user")
        if request.user.has_perm("registry.view_organisation_members", org)
        else None,
        "cooperation": _on_day(records_of_organisation(org.pk), as_of.values()[0]),
        "as_of": as_of,
        "editor_requests": org.editor_requests.filter(status=EditorRequestStatus.PENDING).select_related("user")
        if request.user.has_perm("registry.decide_editor_request", org)
        else None,
        "asked": request.user.is_authenticated
        and org.editor_requests.filter(user=request.user, status=EditorRequestStatus.PENDING).exists(),
        "similar": matching.similar_organisations(org, user=request.user),
        "partners": partners,
        "listings": list(listings_of_organisation(org.pk).prefetch_related(None)[:40]),
    }
    return render(request, "portal/organisation_detail.html", context, status=as_of.status_code)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """My account: organisations and roles, requests for editor rights (one's own, and those
    one may decide), and where one's submissions stand."""
    user = request.user
    context = {
        "memberships": user.memberships.select_related("organisation"),  # type: ignore[union-attr]
        "officer_of": user.programme_countries.select_related("country"),  # type: ignore[union-attr]
        "my_requests": user.editor_requests.select_related("organisation")[:20],  # type: ignore[union-attr]
        "to_decide": queries.editor_requests_to_decide(user),
    }
    return render(request, "portal/account.html", context)


@login_required
@require_POST
def ask_editor_rights(request: HttpRequest, pk: int) -> HttpResponse:
    org = registry.get_organisation_for_user(request.user, pk)
    if not request.user.has_perm("registry.request_editor_rights", org):
        raise PermissionDenied
    registry.request_editor_rights(org, actor=request.user)
    messages.success(request, _("Your request was sent to the editors of this organisation and the moderators."))
    return redirect(org)


@login_required
@require_POST
def decide_editor_request(request: HttpRequest, pk: int) -> HttpResponse:
    editor_request = get_object_or_404(EditorRequest.objects.select_related("organisation", "user"), pk=pk)
    if not request.user.has_perm("registry.decide_editor_request", editor_request.organisation):
        raise PermissionDenied
    accept = request.POST.get("decision") == "accept"
    registry.decide_editor_request(editor_request, accept=accept, actor=request.user)
    messages.success(request, _("The request was accepted.") if accept else _("The request was declined."))
    return redirect("portal:account" if request.POST.get("from") == "account" else editor_request.organisation)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        hits = matching.search(form.cleaned_data["q"], user=request.user, kinds=form.kinds())
        page = Paginator(hits, SEARCH_PER_PAGE).get_page(request.GET.get("page"))
        results = matching.load_results(list(page.object_list), request.user)
        page.object_list = results  # type: ignore[assignment]  # the page shows loaded records
        matching.record_exposure(results)
    return render(request, "portal/search.html", {"form": form, "page": page})


def exposure(request: HttpRequest) -> HttpResponse:
    """Public: counts and shares per country, never which records or searches."""
    kinds = kind_choices()
    kind = request.GET.get("type", "")
    rows = exposure_report(kind=kind if kind and kind in dict(kinds) else None, country_names=_country_names)
    return render(request, "portal/exposure.html", {"rows": rows, "kind": kind, "kinds": kinds})


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the list of sitemap sections (and their pages, ?p=N)."""
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap_section")


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


def robots(request: HttpRequest) -> HttpResponse:
    """robots.txt: everything public may be crawled; accounts, admin and edit forms not."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: /*/{part}/" for part in ("accounts", "admin")]
    lines += ["Disallow: /*/edit/", "Disallow: /*/search/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def feeds(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/feeds.html", {"kinds": list(RECORDS.values())})
