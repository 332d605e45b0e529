"""Pages of the programme's versions: the organisers' draft and its publication, the public
changelog, and participants' bookmarks. Split from views.py, which passed 600 lines."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from silkbridge.events import changelog, domain, queries
from silkbridge.events.forms import BookmarkForm


@login_required
@require_GET
def programme_draft(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisers' working copy, and what publishing it would change."""
    event = queries.get_event_for_user(request.user, slug, perm="events.change_event")
    latest = domain.latest_version(event)
    context = {"event": event, "sessions": queries.programme(event), "latest": latest,
               "pending": [changelog.describe(c, event) for c in domain.pending_changes(event)]}  # fmt: skip
    return render(request, "events/programme_draft.html", context)


@login_required
@require_POST
def publish_programme(request: HttpRequest, slug: str) -> HttpResponse:
    event = queries.get_event_for_user(request.user, slug, perm="events.change_event")
    try:
        version = domain.publish_programme(event, actor=request.user)
    except domain.ProgrammeError as error:
        messages.error(request, str(error))
        return redirect("events:programme_draft", slug=slug)
    messages.success(request, _("Version %(number)s of the programme was published.") % {"number": version.number})
    return redirect("events:programme_changes", slug=slug)


@require_GET
def programme_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """The public changelog: every published version, newest first, with its changes."""
    event = queries.get_event_for_user(request.user, slug)
    versions = [(v, [changelog.describe(c, event) for c in v.changes]) for v in queries.programme_versions(event)]
    return render(request, "events/programme_changes.html", {"event": event, "versions": versions})


@login_required
@require_POST
def bookmark(request: HttpRequest, slug: str) -> HttpResponse:
    """Bookmark or un-bookmark a published session; htmx swaps the button, otherwise back
    to the programme."""
    event = queries.get_event_for_user(request.user, slug, perm="events.bookmark_session")
    me = queries.get_confirmed_registration_for_user(request.user, event)
    form = BookmarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This session is not in the published programme."))
        return redirect("events:programme", slug=slug)
    key = form.cleaned_data["session"]
    try:
        on = domain.set_bookmark(me, session_key=key, on=form.cleaned_data["on"])
    except domain.ProgrammeError as error:
        messages.error(request, str(error))
        return redirect("events:programme", slug=slug)
    session = next((s for s in queries.published_programme(event) if s.pk == key), None)
    if request.headers.get("HX-Request") and session is not None:
        return render(request, "events/_bookmark.html", {"event": event, "s": session, "marked": on})
    return redirect(reverse("events:programme", args=[slug]) + f"#session-{key}")
