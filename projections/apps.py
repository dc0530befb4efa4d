from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectionsConfig(AppConfig):
    """学龄人口预测与学位预警: births by district, the school-age population projected by grade
    progression, and the use of the schools' approved places against it."""

    name = "projections"
    verbose_name = _("School places and cohorts")

    def ready(self) -> None:
        from projections.views.api import router
        from zibo_edu.views.api import api

        api.add_router("/", router)
