from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "silkbridge.marketplace"
    verbose_name = _("Technology exchange")

    def ready(self) -> None:
        from silkbridge.marketplace import documents
        from silkbridge.matching import sources

        for source in documents.SOURCES:
            sources.register(source)
