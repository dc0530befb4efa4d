from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments and districts")

    def ready(self) -> None:
        # django-axes names its app by its label ("Axes"): the admin shows our name for it,
        # translated; its models' and fields' names come from our catalogue (LOCALE_PATHS first).
        from django.apps import apps

        apps.get_app_config("axes").verbose_name = _("Sign-in records")
