from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from plans import documents
        from public import front, publication
        from public.views.api import router
        from targets import standings
        from zibo_edu.lib import front as fronts
        from zibo_edu.views.api import api

        api.add_router("/public/", router)
        # Kept public pages are served before Django's middleware (zibo_edu/wsgi.py).
        fronts.register(fronts.Front(key=front.key, refuse=front.refuse))
        # What the public sees rests on the approved figures: when a plan's standings are
        # recomputed (a figure approved, returned, reopened, corrected), its pages are stale.
        standings.refreshed.connect(publication.figures_changed)
        # So do the evaluations the city admin publishes or withdraws (reports.publishing).
        documents.changed.connect(publication.figures_changed)
