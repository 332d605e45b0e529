from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The site layer: pages that combine several apps, and the demo seed."""

    name = "silkbridge.portal"
    verbose_name = _("Portal")
