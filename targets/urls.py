from django.urls import path

from targets.views import (
    assets,
    dashboards,
    districts,
    entry,
    goals,
    guide,
    imports,
    lists,
    province,
    review,
    search,
)

urlpatterns = [
    path("province/", province.province_page, name="province"),
    path("districts/", districts.district_list, name="district_list"),
    path("districts/<slug:slug>/", districts.district_detail, name="district_detail"),
    path("assets/status.css", assets.status_stylesheet, name="status_css"),
    path("targets/", lists.target_list, name="target_list"),
    path("search/", search.search, name="search"),
    path("help/", guide.help_page, name="help"),
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
    path(
        "completeness/<int:year>/remind/<slug:slug>/",
        review.remind_now,
        name="completeness_remind",
    ),
    path("progress/", dashboards.overview, name="progress_overview"),
    path("progress/heatmap/", dashboards.heatmap, name="progress_heatmap"),
    path("progress/targets/<int:pk>/", dashboards.target_progress, name="progress_target"),
    path("progress/districts/<slug:slug>/", dashboards.district_progress, name="progress_district"),
    path(
        "progress/targets/<int:pk>/decomposition/",
        goals.decomposition,
        name="goal_decomposition",
    ),
    path(
        "progress/targets/<int:pk>/decomposition/template.xlsx",
        goals.decomposition_template,
        name="goal_decomposition_template",
    ),
    path(
        "progress/targets/<int:pk>/decomposition/upload/",
        goals.decomposition_upload,
        name="goal_decomposition_upload",
    ),
    path("progress/targets/<int:pk>/adjustment/", goals.adjustment, name="goal_adjustment"),
    path(
        "progress/targets/<int:pk>/documents/<slug:kind>/<int:doc>/",
        goals.goal_document,
        name="goal_document",
    ),
    path(
        "progress/departments/<int:pk>/", dashboards.department_progress, name="progress_department"
    ),
]
