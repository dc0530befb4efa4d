from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from plans import documents
        from reports.publishing import provider
        from reports.tasks import register_outboxes

        register_outboxes()
        documents.register(provider)  # the published evaluations, for the public pages
