from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        # The ledger's admin pages, kept apart from plans/admin.py (the plan's own models).
        from plans import admin_ledger  # noqa: F401
