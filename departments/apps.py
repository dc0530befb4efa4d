from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments and districts")

    def ready(self) -> None:
        from departments.views.api import router
        from zibo_edu.views.api import api

        api.add_router("/", router)
