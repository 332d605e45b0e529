from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "silkbridge.marketplace"
    verbose_name = _("Technology exchange")

    def ready(self) -> None:
        from silkbridge.marketplace import documents, queries
        from silkbridge.matching import sources
        from silkbridge.registry import panels

        for source in documents.SOURCES:
            sources.register(source)
        panels.register_expert_panel(queries.expert_panel)
