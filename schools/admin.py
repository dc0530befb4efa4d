"""Schools and their statistics in the admin, scoped by city."""

from django.contrib import admin

from departments.access import ACCOUNT_CITY
from departments.admin_site import CityScopedAdmin
from schools.models import GradeEnrolment, School, SchoolYearStatistics, StatisticsImport


@admin.register(School)
class SchoolAdmin(CityScopedAdmin):
    city = ("district__city",)
    list_display = ["code", "name", "district", "category", "ownership", "inclusiveness",
                    "locality", "approved_places", "closed", "is_demo"]  # fmt: skip
    list_filter = ["district", "category", "ownership", "inclusiveness", "locality", "is_demo"]
    list_select_related = ["district"]
    search_fields = ["code", "name"]
    raw_id_fields = ["merged_into"]


class GradeEnrolmentInline(admin.TabularInline):
    model = GradeEnrolment
    extra = 0


@admin.register(SchoolYearStatistics)
class SchoolYearStatisticsAdmin(CityScopedAdmin):
    city = ("school__district__city",)
    list_display = ["school", "school_year", "enrolled", "classes", "teachers", "is_demo"]
    list_filter = ["school_year", "school__district", "is_demo"]
    list_select_related = ["school"]
    search_fields = ["school__code", "school__name"]
    raw_id_fields = ["school"]
    readonly_fields = ["imported_at", "source"]
    inlines = [GradeEnrolmentInline]


@admin.register(StatisticsImport)
class StatisticsImportAdmin(CityScopedAdmin):
    """The record of every statistics upload: read only (the values are changed by uploading)."""

    city = ("district__city", *(f"uploaded_by__{path}" for path in ACCOUNT_CITY))
    list_display = [
        "filename",
        "school_year",
        "district",
        "uploaded_by",
        "uploaded_at",
        "schools",
        "cells",
        "applied_at",
    ]
    list_filter = ["school_year", "district"]
    exclude = ["content"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
