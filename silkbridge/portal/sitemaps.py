"""sitemap.xml: every public record's page in the six languages, each URL with its
`hreflang` alternates (and x-default), split into sections of at most LIMIT records.

Items are light tuples (key, last change), never whole model rows, so that a section of
the ~47,000 ROR organisations stays cheap to build."""

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from silkbridge.cooperation.kinds import RECORDS
from silkbridge.events.queries import public_events
from silkbridge.registry.enums import Visibility
from silkbridge.registry.models import Country, Expert, Organisation

# Each record is written once per language (with every language as an alternate): 2,000
# records make 12,000 <url> entries per file, well under the protocol's 50,000 and 50 MB.
LIMIT = 2000


class _Records(Sitemap):  # type: ignore[type-arg]
    i18n = True
    alternates = True
    x_default = True
    limit = LIMIT
    url_name = ""

    def location(self, item: tuple[Any, datetime | None]) -> str:
        return reverse(self.url_name, args=[item[0]])

    def lastmod(self, item: tuple[Any, datetime | None]) -> datetime | None:
        return item[1]


class StaticPages(Sitemap):  # type: ignore[type-arg]
    i18n = True
    alternates = True
    x_default = True
    names = ["home", "registry:countries", "registry:organisations", "registry:experts", "registry:fields",
             "indicators:dashboard", "open_data", "feeds"]  # fmt: skip

    def items(self) -> list[str]:
        return self.names

    def location(self, item: str) -> str:
        return reverse(item)


class Countries(_Records):
    url_name = "portal:country"

    def items(self) -> Any:
        return [(code, None) for code in Country.objects.order_by("code").values_list("code", flat=True)]


class Organisations(_Records):
    url_name = "portal:organisation"

    def items(self) -> Any:
        return Organisation.objects.order_by("pk").values_list("pk", "updated_at")


class Experts(_Records):
    url_name = "registry:expert"

    def items(self) -> Any:
        return Expert.objects.filter(visibility=Visibility.PUBLIC).order_by("pk").values_list("pk", "updated_at")


class Events(_Records):
    url_name = "events:detail"

    def items(self) -> Any:
        return public_events().order_by("pk").values_list("slug", "updated_at")


class CooperationRecords(_Records):
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def items(self) -> Any:
        return RECORDS[self.kind].model.objects.order_by("pk").values_list("pk", "updated_at")

    def location(self, item: tuple[Any, datetime | None]) -> str:
        return reverse("cooperation:detail", args=[self.kind, item[0]])


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "pages": StaticPages(),
    "countries": Countries(),
    "organisations": Organisations(),
    "experts": Experts(),
    "events": Events(),
    **{kind: CooperationRecords(kind) for kind in RECORDS},
}
