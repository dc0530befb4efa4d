from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from departments.models import City, Department, District, Role
from targets import access
from zibo_edu.lib.admin import CityScopedAdmin, CityScopedInline


@admin.register(City)
class CityAdmin(CityScopedAdmin):
    """A city admin sees and names their own city; adding or removing a city is the
    superuser's."""

    city = ("pk",)
    list_display = ["name", "province"]
    search_fields = ["name"]

    def has_add_permission(self, request) -> bool:
        return access.administers_every_city(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.administers_every_city(request.user)


@admin.register(Department)
class DepartmentAdmin(CityScopedAdmin):
    city = ("city",)
    list_display = ["name", "slug", "city", "order"]
    list_filter = ["city"]
    search_fields = ["name", "slug"]


@admin.register(District)
class DistrictAdmin(CityScopedAdmin):
    city = ("city",)
    list_display = ["name", "full_name", "kind", "slug", "city", "order"]
    list_filter = ["city", "kind"]
    search_fields = ["name", "full_name", "slug"]


class _RoleChoices:
    """The roles a city admin may give: their own city's, never the province's."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            grantable = access.grantable_role_kinds(request.user)
            kwargs["choices"] = [(k, label) for k, label in Role.Kind.choices if k in grantable]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Role)
class RoleAdmin(_RoleChoices, CityScopedAdmin):
    city = ("district__city", "department__city", "city")
    list_display = ["user", "kind", "district", "department"]
    list_filter = ["kind", "district", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "district", "department"]
    autocomplete_fields = ["user", "district", "department"]


class RoleInline(_RoleChoices, CityScopedInline, admin.StackedInline):
    model = Role
    can_delete = False
    autocomplete_fields = ["district", "department"]

    def get_min_num(self, request, obj=None, **kwargs) -> int:
        """A city admin's accounts always have a role (and so a city): an account without one
        would belong to no city, and only superusers see those."""
        return 0 if access.administers_every_city(request.user) else 1

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class UserWithRoleAdmin(CityScopedAdmin, UserAdmin):
    """Accounts: the city admin's are their city's, and they cannot make anyone a superuser
    nor hand out Django permissions (their role is what grants access)."""

    city = access.ACCOUNT_CITY
    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_select_related = ["role__district", "role__department"]
    list_filter = ["role__kind", "is_active", "is_staff"]

    def choices(self, request, rows):
        return access.scope_accounts(rows, request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not access.administers_every_city(request.user):
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields
