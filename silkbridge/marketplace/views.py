"""Marketplace pages: browse and search, post and edit, moderation, expressions of interest
with their message thread and lead stages, attachments, saved searches."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silkbridge.core.pagination import page_of
from silkbridge.marketplace import domain, queries
from silkbridge.marketplace.forms import (
    AcceptForm,
    AttachmentForm,
    CloseForm,
    DeclineForm,
    InterestForm,
    ListingFilterForm,
    ListingForm,
    MessageForm,
    RenewForm,
    SavedSearchForm,
    SendBackForm,
    StageForm,
)
from silkbridge.marketplace.models import Listing, SavedSearch
from silkbridge.matching import domain as matching

KINDS = ["offer", "need"]
OTHER_KIND = {"offer": "need", "need": "offer"}


def _searched(qs: Any, query: str, kind: str, user: Any) -> Any:
    """The listings among ``qs`` that the matching engine finds for ``query``, best first."""
    hits = matching.search(query, user=user, kinds=[kind] if kind else KINDS)
    ids = [int(h.key.split(":")[1]) for h in hits]
    rank = Case(*(When(pk=pk, then=i) for i, pk in enumerate(ids)), output_field=IntegerField())
    return qs.filter(pk__in=ids).order_by(rank) if ids else qs.none()


def listing_list(request: HttpRequest) -> HttpResponse:
    form = ListingFilterForm(request.GET or None)
    filters = form.filters()
    # the list shows neither fields nor target countries: no prefetch
    qs = queries.filter_listings(queries.published_listings().prefetch_related(None), **filters)
    query = form.cleaned_data.get("q", "").strip() if form.is_bound and form.is_valid() else ""
    if query:
        qs = _searched(qs, query, filters["kind"], request.user)
    page = page_of(qs, request.GET.get("page"), settings.SILKBRIDGE_PAGE_SIZE)
    can_save = request.user.is_authenticated
    return render(request, "marketplace/listing_list.html", {"form": form, "page": page, "can_save": can_save})


def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = domain.get_listing_for_user(request.user, pk)
    user = request.user
    context: dict[str, Any] = {"listing": listing, "matches": [], "partners": []}
    if user.has_perm("marketplace.view_listing_details", listing):
        context["details"] = listing.details_text
        context["attachments"] = list(listing.attachments.defer("data"))
    if listing.is_published:
        key = f"{listing.kind}:{listing.pk}"
        context["matches"] = matching.similar_records(key, user=user, kinds=[OTHER_KIND[listing.kind]])
        context["partners"] = matching.similar_records(key, user=user, kinds=["organisation", "expert"])
    if user.is_authenticated:
        context["own_interest"] = listing.interests.filter(sender=user).first()
        if user.has_perm("marketplace.view_listing_interests", listing):
            context["interests"] = listing.interests.select_related("sender", "organisation")
    context["fields"] = listing.fields.all()
    context["countries"] = listing.countries.all()
    return render(request, "marketplace/listing_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("marketplace.add_listing"):
        raise PermissionDenied
    form = ListingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        listing = domain.create_listing(data=form.domain_data(), actor=request.user)
        messages.success(request, _("The listing was saved as a draft. Submit it for moderation when it is ready."))
        return redirect(listing)
    return render(request, "marketplace/listing_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = domain.get_listing_for_user(request.user, pk, perm="marketplace.change_listing")
    form = ListingForm(request.POST or None, instance=Listing.objects.get(pk=listing.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        domain.update_listing(listing, data=form.domain_data(), actor=request.user)
        messages.success(request, _("The listing was saved."))
        return redirect(listing)
    return render(request, "marketplace/listing_form.html", {"form": form, "listing": listing})


@login_required
@require_POST
def listing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = domain.get_listing_for_user(request.user, pk, perm="marketplace.submit_listing")
    domain.submit_listing(listing, actor=request.user)
    messages.success(request, _("The listing was submitted. A moderator will review it."))
    return redirect(listing)


@login_required
@require_POST
def listing_publish(request: HttpRequest, pk: int) -> HttpResponse:
    listing = domain.get_listing_for_user(request.user, pk, perm="marketplace.moderate_listing")
    domain.publish_listing(listing, actor=request.user)
    messages.success(request, _("The listing was published."))
    return redirect("marketplace:moderation")


def _listing_action(request: HttpRequest, pk: int, *, perm: str, form_class: Any, act: Any, title: str) -> HttpResponse:
    """A form page that applies one transition to a listing."""
    listing = domain.get_listing_for_user(request.user, pk, perm=perm)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        act(listing, form.cleaned_data)
        return redirect(listing)
    return render(request, "marketplace/listing_action.html", {"listing": listing, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def listing_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    def act(listing: Listing, data: dict[str, Any]) -> None:
        domain.send_back_listing(listing, comment=data["comment"], actor=request.user)
        messages.success(request, _("The listing was sent back to its owners."))

    return _listing_action(request, pk, perm="marketplace.moderate_listing", form_class=SendBackForm, act=act,
                           title=_("Send back with a comment"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def listing_close(request: HttpRequest, pk: int) -> HttpResponse:
    def act(listing: Listing, data: dict[str, Any]) -> None:
        domain.close_listing(listing, reason=data["reason"], actor=request.user)
        messages.success(request, _("The listing was closed."))

    return _listing_action(request, pk, perm="marketplace.close_listing", form_class=CloseForm, act=act,
                           title=_("Close the listing"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def listing_renew(request: HttpRequest, pk: int) -> HttpResponse:
    def act(listing: Listing, data: dict[str, Any]) -> None:
        domain.renew_listing(listing, until=data["until"], actor=request.user)
        messages.success(request, _("The listing was renewed."))

    return _listing_action(request, pk, perm="marketplace.renew_listing", form_class=RenewForm, act=act,
                           title=_("Renew the listing"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    listing = domain.get_listing_for_user(request.user, pk, perm="marketplace.change_listing")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.add_attachment(listing, upload=form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect(listing)
    title = _("Attach a file")
    return render(request, "marketplace/listing_action.html",
                  {"listing": listing, "form": form, "title": title, "multipart": True})  # fmt: skip


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = domain.get_attachment_for_user(request.user, pk)
    listing = domain.get_listing_for_user(request.user, attachment.listing_id, perm="marketplace.change_listing")
    domain.delete_attachment(attachment, actor=request.user)
    return redirect(listing)


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Served only to those entitled to the details; never rendered inline by the browser, never
    sniffed as another type, never cached by shared caches."""
    attachment = domain.get_attachment_for_user(request.user, pk)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("marketplace.view_moderation_queue"):
        raise PermissionDenied
    return render(request, "marketplace/moderation.html", {"listings": queries.moderation_queue()})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    context = {
        "listings": queries.listings_of_user_organisations(request.user),
        "received": queries.interests_received(request.user),
        "sent": queries.interests_sent(request.user),
        "saved": queries.saved_searches_of(request.user),
        "can_post": request.user.has_perm("marketplace.add_listing"),
    }
    return render(request, "marketplace/mine.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def interest_create(request: HttpRequest, pk: int) -> HttpResponse:
    listing = domain.get_listing_for_user(request.user, pk, perm="marketplace.express_interest")
    form = InterestForm(request.POST or None, user=request.user, listing=listing)
    if request.method == "POST" and form.is_valid():
        interest = domain.express_interest(
            listing, sender=request.user, message=form.cleaned_data["message"],
            organisation=form.cleaned_data.get("organisation"), share_email=form.cleaned_data["share_email"],
        )  # fmt: skip
        messages.success(request, _("Your expression of interest was sent."))
        return redirect(interest)
    return render(request, "marketplace/interest_form.html", {"listing": listing, "form": form})


@login_required
def interest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interest = domain.get_interest_for_user(request.user, pk)
    user = request.user
    context = {
        "interest": interest,
        "listing": interest.listing,
        "show_identity": user.has_perm("marketplace.view_interest_identity", interest),
        "thread": interest.messages.select_related("author") if user.has_perm("marketplace.view_messages", interest)
        else None,
        "accept_form": AcceptForm(), "decline_form": DeclineForm(), "message_form": MessageForm(),
        "stage_form": StageForm(initial={"stage": interest.stage}),
    }  # fmt: skip
    return render(request, "marketplace/interest_detail.html", context)


@login_required
@require_POST
def interest_accept(request: HttpRequest, pk: int) -> HttpResponse:
    interest = domain.get_interest_for_user(request.user, pk, perm="marketplace.decide_interest")
    form = AcceptForm(request.POST)
    form.is_valid()
    domain.accept_interest(interest, actor=request.user, share_email=form.cleaned_data.get("share_email", False))
    messages.success(request, _("You accepted. The details and both parties' names are now shown to each other."))
    return redirect(interest)


@login_required
@require_POST
def interest_decline(request: HttpRequest, pk: int) -> HttpResponse:
    interest = domain.get_interest_for_user(request.user, pk, perm="marketplace.decide_interest")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason."))
        return redirect(interest)
    domain.decline_interest(interest, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
                            actor=request.user)  # fmt: skip
    messages.success(request, _("You declined. The member was told your reason."))
    return redirect(interest)


@login_required
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    interest = domain.get_interest_for_user(request.user, pk, perm="marketplace.send_message")
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message of at most 4,000 characters."))
        return redirect(interest)
    try:
        domain.post_message(interest, author=request.user, body=form.cleaned_data["body"])
    except domain.TooManyMessages:
        messages.error(request, _("You have sent many messages in the last hour. Please wait a little."))
        return render(request, "marketplace/interest_detail.html", _rate_limited(interest, form), status=429)
    return redirect(interest)


def _rate_limited(interest: Any, form: MessageForm) -> dict[str, Any]:
    return {"interest": interest, "listing": interest.listing, "show_identity": True,
            "thread": interest.messages.select_related("author"), "message_form": form,
            "stage_form": StageForm(initial={"stage": interest.stage})}  # fmt: skip


@login_required
@require_POST
def stage_set(request: HttpRequest, pk: int) -> HttpResponse:
    interest = domain.get_interest_for_user(request.user, pk, perm="marketplace.change_stage")
    form = StageForm(request.POST)
    if form.is_valid():
        domain.set_lead_stage(interest, stage=form.cleaned_data["stage"], actor=request.user)
        messages.success(request, _("The stage was updated."))
    return redirect(interest)


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        domain.save_search(user=request.user, data=form.cleaned_data)
        messages.success(request, _("The search was saved. New matches will be e-mailed to you."))
    return redirect("marketplace:mine")


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    domain.delete_saved_search(saved, actor=request.user)
    return redirect("marketplace:mine")
