import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from targets.models import Target

PLAN_ORDER = ("task__part__order", "task__number", "order")


class TargetTable(tables.Table):
    code = tables.Column(
        verbose_name=_("Code"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=PLAN_ORDER,
    )
    name = tables.Column(verbose_name=_("Target"))
    requirement = tables.Column(verbose_name=_("Requirement"), empty_values=(), orderable=False)
    deadline_year = tables.Column(verbose_name=_("Deadline"))
    kind = tables.Column(verbose_name=_("Kind"))
    scope = tables.Column(verbose_name=_("Scope"))
    lead_department = tables.Column(
        verbose_name=_("Lead department"),
        empty_values=(),
        orderable=False,
        linkify=lambda record: record.lead_department.get_absolute_url(),
    )
    task = tables.Column(
        verbose_name=_("Task"),
        linkify=lambda record: record.task.get_absolute_url(),
        order_by=PLAN_ORDER,
    )

    class Meta:
        model = Target
        fields = ["code", "name", "requirement", "deadline_year", "kind", "scope"]
        sequence = [*fields, "lead_department", "task"]
        order_by = "code"
        attrs = {"class": "table"}
        empty_text = _("No target matches these filters.")

    def render_requirement(self, record: Target) -> str:
        return record.requirement

    def render_task(self, record: Target) -> str:
        return f"{record.task.code} {record.task.title}"
