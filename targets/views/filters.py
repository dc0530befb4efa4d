import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from plans.models import Part, Plan
from targets.models import Target


class TargetFilter(django_filters.FilterSet):
    chapter = django_filters.ModelChoiceFilter(
        label=_("chapter"),
        field_name="task__part",
        queryset=Part.objects.none(),
        empty_label=_("All"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("department"),
        queryset=Department.objects.none(),
        method="filter_department",
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=Target.Kind.choices, empty_label=_("All")
    )
    binding = django_filters.ChoiceFilter(
        label=_("binding or expected"),
        # 未标注 is the empty value: it is offered as "none", since "" means all
        choices=[(value or "none", label) for value, label in Target.Binding.choices],
        method="filter_binding",
        empty_label=_("All"),
    )
    q = django_filters.CharFilter(label=_("search"), method="filter_text")

    class Meta:
        model = Target
        fields = ["chapter", "department", "kind", "binding"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["chapter"].queryset = plan.parts.exclude(kind=Part.Kind.OVERALL)
        self.filters["department"].queryset = plan.city.departments.all()

    def filter_department(self, queryset: QuerySet, name: str, value: Department) -> QuerySet:
        """Targets of tasks the department leads or co-operates on."""
        return queryset.involving(value)

    def filter_binding(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(binding="" if value == "none" else value)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(source_sentence__icontains=value)
            | Q(code__icontains=value)
        )
