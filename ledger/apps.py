from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The task ledger (任务台账) and supervision (督办): reporting rounds, contributions, task
    reports, notices, and the notifications (email and robots) they send."""

    name = "ledger"
    verbose_name = _("Task ledger")

    def ready(self) -> None:
        from ledger.ledger import guide_items
        from ledger.notices import search_hits
        from ledger.views.api import router
        from targets import guide, search
        from zibo_edu.views.api import api

        api.add_router("/", router)

        from ledger.notifications import register_outbox

        register_outbox()
        search.register(search_hits)
        guide.register(guide_items)
