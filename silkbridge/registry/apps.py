from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from silkbridge.registry.search_index import ensure_search_index

    ensure_search_index(connections[using])


class RegistryConfig(AppConfig):
    name = "silkbridge.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from silkbridge.accounts.forms import register_organisation_resolver
        from silkbridge.matching import sources
        from silkbridge.registry.documents import SOURCES
        from silkbridge.registry.forms import resolve_organisation

        post_migrate.connect(_ensure_search_index, sender=self)
        register_organisation_resolver(resolve_organisation)
        for source in SOURCES:
            sources.register(source)
