"""Pages that combine several apps: home, a country, an organisation with its cooperation
records and suggestions, site search across every registered record kind."""

from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from silkbridge.cooperation.models import Agreement
from silkbridge.cooperation.queries import (
    centres_open,
    in_force_q,
    labs_active,
    projects_active,
    records_of_organisation,
)
from silkbridge.core.pagination import page_of
from silkbridge.matching import domain as matching
from silkbridge.matching.forms import SearchForm, kind_choices
from silkbridge.matching.queries import exposure_report
from silkbridge.registry import domain as registry
from silkbridge.registry import queries
from silkbridge.registry.models import Country, OrganisationRedirect

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
    agreements = Agreement.objects.filter(parties__country=country).distinct()[:50]
    context = {"country": country, "page": organisations, "experts": experts, "agreements": agreements}
    return render(request, "portal/country_detail.html", context)


def _country_names(codes: Any) -> dict[str, str]:
    return {c.code: c.name for c in Country.objects.filter(code__in=codes)}


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    redirect_to = OrganisationRedirect.objects.filter(old_id=pk).values_list("organisation_id", flat=True).first()
    if redirect_to is not None:  # merged into another organisation: its id keeps working
        return redirect("portal:organisation", pk=redirect_to, permanent=True)
    org = registry.get_organisation_for_user(request.user, pk)
    partners = matching.potential_partners(org, user=request.user)
    context = {
        "org": org,
        "fields": org.fields.select_related("parent"),
        "experts": queries.search_experts(request.user, organisation=org.pk)[:50],
        "members": org.memberships.select_related("user")
        if request.user.has_perm("registry.view_organisation_members", org)
        else None,
        "cooperation": records_of_organisation(org.pk),
        "similar": matching.similar_organisations(org, user=request.user),
        "partners": partners,
    }
    return render(request, "portal/organisation_detail.html", context)


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


@staff_member_required
def exposure(request: HttpRequest) -> HttpResponse:
    kinds = kind_choices()
    kind = request.GET.get("type", "")
    rows = exposure_report(kind=kind if kind and kind in dict(kinds) else None, country_names=_country_names)
    return render(request, "portal/exposure.html", {"rows": rows, "kind": kind, "kinds": kinds})
