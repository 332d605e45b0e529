"""Atom feeds of new cooperation records (agreements, labs, centres, projects), newest
first, in the language of the URL; one feed per record kind."""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from silkbridge.cooperation.kinds import RECORDS, Kind
from silkbridge.core.translation import pick

FEED_ITEMS = 50


class NewRecordsFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, kind: str) -> Kind:  # type: ignore[override]
        if kind not in RECORDS:
            raise Http404
        return RECORDS[kind]

    def title(self, obj: Kind) -> str:
        return _("New on Silkbridge: %(kind)s") % {"kind": obj.title}

    def subtitle(self, obj: Kind) -> str:
        return _("The latest records added to the open registry of science and technology cooperation.")

    def link(self, obj: Kind) -> str:
        return reverse("cooperation:list", args=[obj.slug])

    def feed_url(self, obj: Kind) -> str:
        return reverse("feed", args=[obj.slug])

    def items(self, obj: Kind) -> Any:
        return obj.model.objects.order_by("-created_at", "-id")[:FEED_ITEMS]

    def item_title(self, item: Any) -> str:
        return str(item)

    def item_description(self, item: Any) -> str:
        texts = (getattr(item, "description", ""), getattr(item, "abstract", ""), pick(getattr(item, "summaries", {})))
        return next((str(text)[:1000] for text in texts if text), str(item))

    def item_pubdate(self, item: Any) -> datetime:
        return item.created_at  # type: ignore[no-any-return]

    def item_updateddate(self, item: Any) -> datetime:
        return item.updated_at  # type: ignore[no-any-return]

    def feed_copyright(self) -> str:
        return "CC BY 4.0"
