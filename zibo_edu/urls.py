from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zibo_edu.health import healthz
from zibo_edu.views.api import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("plans.urls")),
    path("", include("targets.urls")),
    path("", include("ledger.urls")),
    path("", include("schools.urls")),
    path("", include("reports.urls")),
    path("", include("public.urls")),
    path("", include("inspections.urls")),
    path("", include("projections.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
handler400 = "zibo_edu.errors.bad_request"
handler500 = "zibo_edu.errors.server_error"
