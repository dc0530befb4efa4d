from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from departments import api as departments_api
from departments import views as departments
from plans import api as plans_api
from plans import views as plans
from reports import views as reports
from targets import api as targets_api
from targets import dashboards, entry, imports, review
from targets import views as targets
from zibo_edu.health import healthz

urlpatterns = [
    path("", plans.home, name="home"),
    path("plans/<slug:slug>/", plans.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/tasks/<slug:task_slug>/", plans.task_detail, name="task_detail"),
    path("targets/", targets.target_list, name="target_list"),
    path("entry/", entry.entry_start, name="entry_start"),
    path("entry/<slug:slug>/<int:year>/", entry.figure_entry, name="figure_entry"),
    path(
        "entry/<slug:slug>/<int:year>/template.xlsx",
        imports.figure_template,
        name="figure_template",
    ),
    path("import/", imports.figure_import, name="figure_import"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("figures/<int:pk>/", review.figure_detail, name="figure_detail"),
    path("review/", review.review_list, name="review_list"),
    path("completeness/", review.completeness_latest, name="completeness_latest"),
    path("completeness/<int:year>/", review.completeness, name="completeness"),
    path("progress/", dashboards.overview, name="progress_overview"),
    path("progress/heatmap/", dashboards.heatmap, name="progress_heatmap"),
    path("progress/targets/<int:pk>/", dashboards.target_progress, name="progress_target"),
    path("progress/districts/<slug:slug>/", dashboards.district_progress, name="progress_district"),
    path(
        "progress/departments/<int:pk>/", dashboards.department_progress, name="progress_department"
    ),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/generate/", reports.generate_now, name="report_generate"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("departments/", departments.department_list, name="department_list"),
    path("departments/<int:pk>/", departments.department_detail, name="department_detail"),
    path("districts/", departments.district_list, name="district_list"),
    path("districts/<slug:slug>/", departments.district_detail, name="district_detail"),
    path("api/plan/", plans_api.plan_api, name="api_plan"),
    path("api/targets/", targets_api.targets_api, name="api_targets"),
    path("api/figures/", targets_api.figures_api, name="api_figures"),
    path("api/progress/", dashboards.progress_api, name="api_progress"),
    path("api/districts/", departments_api.districts_api, name="api_districts"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
