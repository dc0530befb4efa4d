"""Cities, departments, districts and accounts in the admin; and the other packages' models
(django-axes' sign-in records, django-celery-beat's schedules, groups), each either scoped by city
or the superuser's. Those run after their own packages' admin modules: departments comes after
them in INSTALLED_APPS."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from departments import access, tokens
from departments.admin_site import CityScopedAdmin, CityScopedInline, installation_wide
from departments.models import ApiToken, City, Department, District, Role
from zibo_edu.lockout import unknown_names


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


@admin.register(ApiToken)
class ApiTokenAdmin(CityScopedAdmin):
    """Per-client API tokens of the accounts the user administers: made here (the secret shown
    once, on the page that follows), revoked by an action; the secret is never shown again."""

    city = tuple(f"user__{path}" for path in access.ACCOUNT_CITY)
    list_display = [
        "name",
        "user",
        "prefix",
        "may_write",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["may_write", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def choices(self, request, rows):
        """A city admin's accounts' tokens (never a superuser's, as for the accounts)."""
        rows = super().choices(request, rows)
        if access.administers_every_city(request.user):
            return rows
        return rows.exclude(user__is_superuser=True)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "may_write"]
        return ["user", "name", "may_write", "prefix", "created_at", "created_by",
                "last_used_at", "revoked_at"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "may_write", "prefix", "created_at", "created_by", "last_used_at",
                "revoked_at"]  # fmt: skip

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        obj.created_by = request.user
        obj.secret = tokens.issue(obj)  # kept on this object for the page that shows it, only

    def response_add(self, request, obj, post_url_continue=None):
        """The secret, once: a page of its own (not a message, which a cookie would carry)."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("API token created"),
            "token": obj,
            "secret": obj.secret,
        }
        response = TemplateResponse(request, "admin/departments/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=gettext_lazy("Revoke the selected API tokens"))
    def revoke(self, request, queryset) -> None:
        count = tokens.revoke(queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
        )


# Other packages' models ----------------------------------------------------------------------

# One schedule runs every city's reminders and reports: the city admin reads it, the superuser
# changes it.
for model in (PeriodicTask, ClockedSchedule, CrontabSchedule, SolarSchedule, IntervalSchedule):
    installation_wide(model, type(admin.site._registry[model]), city_admin_reads=True)
installation_wide(Group, type(admin.site._registry[Group]))


class SignInRecordAdmin(CityScopedAdmin):
    """Failed sign-ins and lockouts (django-axes): the city admin sees and unlocks every lock
    that stops their city's users: their accounts' rows, and the names no account has tried at
    an address their accounts sign in or fail from (the office's: that address is locked for
    such names). Another city's accounts are that city's; other addresses the superuser's."""

    city = access.ACCOUNT_CITY

    def get_queryset(self, request):
        from django.contrib.auth.models import User

        records = admin.ModelAdmin.get_queryset(self, request)
        if access.administers_every_city(request.user):
            return records
        own = access.scope_accounts(User.objects.all(), request.user).values("username")
        offices = Q(ip_address__in=AccessLog.objects.filter(username__in=own).values("ip_address"))
        offices |= Q(
            ip_address__in=AccessFailureLog.objects.filter(username__in=own).values("ip_address")
        )
        return records.filter(
            Q(username__in=own) | Q(pk__in=unknown_names(records.filter(offices)).values("pk"))
        )


class SignInLogAdmin(SignInRecordAdmin):
    """The sign-in logs themselves: a city admin reads them; only the superuser deletes them
    (a city admin unlocks an account by deleting its attempts, never the record of them)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.administers_every_city(request.user) and super().has_delete_permission(
            request, obj
        )


for model, scoped in (
    (AccessAttempt, SignInRecordAdmin),
    (AccessLog, SignInLogAdmin),
    (AccessFailureLog, SignInLogAdmin),
):
    original = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(original.__name__, (scoped, original), {}))
