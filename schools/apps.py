from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    """Schools and their annual education statistics (教育事业统计, 统计时点 9月1日), the
    indicators derived from them, and their place beside the entered figures."""

    name = "schools"
    verbose_name = _("Schools")

    def ready(self) -> None:
        from schools.reconciliation import review_flags
        from schools.views.api import router
        from schools.views.panels import target_panel
        from targets import panels, review_queue
        from zibo_edu.views.api import api

        panels.register(target_panel)
        review_queue.register_flagger(review_flags)
        api.add_router("/", router)
