"""The Django admin, scoped by city: one mixin for every ModelAdmin and inline of the project.

A city admin (市局管理员) administers their own city only: every changelist and change page shows
the city's rows (another city's answer 404), every foreign key offers the city's rows only (so
nothing can be added into another city), the sign-in log shows the city's accounts, and the
installation-wide models (the Celery schedules, groups) are the superuser's. Superusers see and
change every city. The rules are departments.access's (`scope_to_city`,
`administers_every_city`); an admin only names the paths from its model to the city.
`tests/departments/test_admin_scope.py` walks `admin.site._registry`, so a model registered
without one of these mixins fails.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments import access
from zibo_edu.lib.params import BadParameter


class AdminSite(admin.AdminSite):
    """The admin's header and titles name the city the user administers (示例市's admin never
    reads 淄博 there); an installation-wide superuser reads no city."""

    site_header = gettext_lazy("Education plan administration")
    site_title = gettext_lazy("Education plan tracker")

    def has_permission(self, request) -> bool:
        return access.may_administer(request.user)

    def each_context(self, request):
        context = super().each_context(request)
        city = access.city_of(request.user)
        if city is not None:
            context["site_header"] = _("%(city)s education plan administration") % {
                "city": city.name
            }
            context["site_title"] = _("%(city)s Education") % {"city": city.name}
        return context

    def admin_view(self, view, cacheable=False):
        """A changelist's bulk action names its rows by primary key: one that is not a key
        (`_selected_action=abc`) is a 400 naming it, not a ValueError in the action's query."""
        model_admin = getattr(view, "__self__", None)
        if not isinstance(model_admin, admin.ModelAdmin):
            return super().admin_view(view, cacheable)

        def checked(request, *args, **kwargs):
            if request.method == "POST":
                _refuse_what_is_no_key(model_admin.model, request.POST)
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(checked, view), cacheable)


def _refuse_what_is_no_key(model, form) -> None:
    key = model._meta.pk
    for value in form.getlist(helpers.ACTION_CHECKBOX_NAME):
        try:
            key.to_python(value)
        except ValidationError:
            raise BadParameter(
                _("%(name)s must be a row's id, not %(value)s.")
                % {"name": helpers.ACTION_CHECKBOX_NAME, "value": value[:20]}
            ) from None


def _scoped_choices(admin_site, model, request):
    """The rows of `model` a user may pick in a form: its admin's city scope, if it has one."""
    related_admin = admin_site._registry.get(model)
    if isinstance(related_admin, CityScopedAdmin):
        return related_admin.choices(request, model._default_manager.all())
    if isinstance(related_admin, InstallationWideAdmin) and not access.administers_every_city(
        request.user
    ):
        return model._default_manager.none()
    return None


class _CityChoices:
    """Foreign keys and many-to-many fields offer the user's city's rows only."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = _scoped_choices(self.admin_site, db_field.remote_field.model, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            choices = _scoped_choices(self.admin_site, db_field.remote_field.model, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CityScopedAdmin(_CityChoices, admin.ModelAdmin):
    """A model that belongs to a city. `city`: the lookups from the model to its City (any of
    them), e.g. ("target__task__part__plan__city",)."""

    city: tuple[str, ...] = ()

    def get_queryset(self, request):
        return self.choices(request, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        """404 for another city's row (and a missing one), as on the site's own pages, rather
        than the admin's redirect to its index."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def log_change(self, request, obj, message):
        """A save that changed nothing (the change form saved as it was shown) leaves no row in
        the admin's history: Django writes one saying "No fields changed"."""
        if not message:
            return None
        return super().log_change(request, obj, message)

    def choices(self, request, rows):
        """The rows of this model the user administers, also offered by other models' forms."""
        return access.scope_to_city(rows, request.user, self.city)

    def get_list_filter(self, request):
        """A filter on a relation lists only the related rows of the user's own rows, never
        another city's district or department names."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and _is_relation(self.model, entry):
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters


def _is_relation(model, path: str) -> bool:
    try:
        return bool(get_fields_from_path(model, path)[-1].is_relation)
    except (FieldDoesNotExist, NotRelationField):
        return False


class CityScopedInline(_CityChoices):
    """An inline: its rows are its parent's (already the city's); its foreign keys are scoped."""


class InstallationWideAdmin(admin.ModelAdmin):
    """A model of the whole installation, no city's (the Celery schedules every city's reports
    and reminders run on, groups, the sign-in log): the superuser's. A city admin may read
    what `city_admin_reads` says (the schedules), never change it."""

    city_admin_reads = False

    def has_module_permission(self, request) -> bool:
        return access.administers_every_city(request.user) or self.city_admin_reads

    def has_view_permission(self, request, obj=None) -> bool:
        if access.administers_every_city(request.user):
            return super().has_view_permission(request, obj)
        return self.city_admin_reads and super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return access.administers_every_city(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.administers_every_city(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.administers_every_city(request.user) and super().has_delete_permission(
            request, obj
        )

    def get_actions(self, request):
        """No action either (enabling or running a schedule changes it for every city)."""
        if not access.administers_every_city(request.user):
            return {}
        return super().get_actions(request)


def installation_wide(model, admin_class: type[admin.ModelAdmin], **options) -> None:
    """Register a third-party model's admin again, as the superuser's (InstallationWideAdmin)."""
    admin.site.unregister(model)
    scoped = type(admin_class.__name__, (InstallationWideAdmin, admin_class), options)
    admin.site.register(model, scoped)
