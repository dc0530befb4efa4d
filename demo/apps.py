from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demonstration data (`bin/demo`): made-up figures, users, ledger entries and reports,
    each app's seeding asked in turn (targets.demo, ledger.demo …). The top of the layers: it
    may use every app, and none uses it."""

    name = "demo"
    verbose_name = _("Demo data")
