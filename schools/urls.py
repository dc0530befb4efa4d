from django.urls import path, re_path

from schools.views import imports, pages, reconcile

urlpatterns = [
    path("schools/", pages.schools_home, name="schools_home"),
    path("schools/districts/<slug:slug>/", pages.district_schools, name="district_schools"),
    re_path(r"^schools/(?P<code>[0-9]{10})/$", pages.school_detail, name="school_detail"),
    path("indicators/<slug:key>/", pages.indicator_detail, name="indicator_detail"),
    path("schools/import/", imports.statistics_import, name="statistics_import"),
    path("schools/import/template.xlsx", imports.statistics_template, name="statistics_template"),
    path(
        "schools/import/<int:pk>/confirm/",
        imports.statistics_import_confirm,
        name="statistics_import_confirm",
    ),
    path(
        "schools/reconcile/<int:pk>/<slug:slug>/<int:year>/take/",
        reconcile.take_derived,
        name="take_derived",
    ),
]
