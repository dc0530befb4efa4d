from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """County 督导 evaluations: 县域义务教育优质均衡 (教督〔2017〕6号) and 学前教育普及普惠
    (教督〔2020〕1号), judged from the schools' statistics and the items the city records."""

    name = "inspections"
    verbose_name = _("County evaluations")

    def ready(self) -> None:
        from inspections.api import router
        from zibo_edu.views.api import api

        api.add_router("/inspections/", router)
