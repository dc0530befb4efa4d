from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from targets.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "requirement", "deadline_year", "scope", "reported_by"]
    list_filter = ["kind", "comparator", "scope", "reported_by", "deadline_year", "task__part"]
    search_fields = ["code", "name", "source_sentence", "numerator_label", "denominator_label"]
    list_select_related = ["task__part__plan"]
    autocomplete_fields = ["task"]

    @admin.display(description=_("requirement"))
    def requirement(self, target: Target) -> str:
        return target.requirement
