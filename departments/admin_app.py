from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with this project's site (`departments.admin_site.AdminSite`) as
    `admin.site`: its header names the user's city. Here, not beside the site, because an app
    config's module is imported before any model."""

    default_site = "departments.admin_site.AdminSite"
