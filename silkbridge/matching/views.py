from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from silkbridge.matching import domain
from silkbridge.matching.forms import KIND_CHOICES, SearchForm
from silkbridge.matching.queries import exposure_report

PER_PAGE = 10


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        hits = domain.search(form.cleaned_data["q"], user=request.user, kinds=form.kinds())
        page = Paginator(hits, PER_PAGE).get_page(request.GET.get("page"))
        results = domain.load_results(list(page.object_list), request.user)
        page.object_list = results  # type: ignore[assignment]  # the page shows loaded records
        domain.record_exposure(results)
    return render(request, "matching/search.html", {"form": form, "page": page})


@staff_member_required
def exposure(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("type", "")
    kinds = dict(KIND_CHOICES)
    rows = exposure_report(kind=kind if kind in kinds and kind else None)
    return render(request, "matching/exposure.html", {"rows": rows, "kind": kind, "kinds": KIND_CHOICES})
