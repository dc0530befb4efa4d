"""The other packages' models in the admin, each either scoped by city or the superuser's
(zibo_edu.lib.admin). Runs after their own admin modules: zibo_edu comes after them in
INSTALLED_APPS."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Q
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from targets import access
from zibo_edu.lib.admin import CityScopedAdmin, installation_wide
from zibo_edu.lockout import unknown_names

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
