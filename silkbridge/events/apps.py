from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "silkbridge.events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from silkbridge.events import documents
        from silkbridge.matching import sources

        sources.register(documents.EVENTS)
