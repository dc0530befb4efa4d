from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from plans.views.api import router
        from zibo_edu.lib import params
        from zibo_edu.views.api import api

        api.add_router("/", router)
        # A malformed ?plan= is a 404 by the plan rule (plans.access.plan_for_request), NUL too.
        params.checked_by_its_app("plan")
