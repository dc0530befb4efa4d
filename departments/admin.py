from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from departments.models import City, Department, District, Role, may_administer

admin.site.site_header = _("zibo-edu administration")
admin.site.site_title = _("zibo-edu")
admin.site.has_permission = lambda request: may_administer(request.user)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "province"]
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "city", "order"]
    list_filter = ["city"]
    search_fields = ["name", "slug"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "kind", "slug", "city", "order"]
    list_filter = ["city", "kind"]
    search_fields = ["name", "full_name", "slug"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "district", "department"]
    list_filter = ["kind", "district", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "district", "department"]
    autocomplete_fields = ["user", "district", "department"]


class RoleInline(admin.StackedInline):
    model = Role
    can_delete = False
    autocomplete_fields = ["district", "department"]


admin.site.unregister(User)


@admin.register(User)
class UserWithRoleAdmin(UserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_select_related = ["role__district", "role__department"]
    list_filter = ["role__kind", "is_active", "is_staff"]
