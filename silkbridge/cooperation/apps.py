from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "silkbridge.cooperation"
    verbose_name = _("Cooperation")

    def ready(self) -> None:
        from silkbridge.cooperation import documents
        from silkbridge.cooperation.models import AgreementParty, Partnership
        from silkbridge.matching import sources
        from silkbridge.registry import identity

        identity.register_reference(Partnership, record_fields=("lab_id", "centre_id", "project_id"))
        identity.register_reference(AgreementParty, record_fields=("agreement_id",))
        for source in documents.SOURCES:
            sources.register(source)
        sources.register_collaboration(documents.collaboration_rows, models=(Partnership,))
