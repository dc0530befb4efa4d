from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def ready(self) -> None:
        from targets.views.api import router
        from zibo_edu.views.api import api

        api.add_router("/", router)

        from targets.reminders import register_outboxes

        register_outboxes()
