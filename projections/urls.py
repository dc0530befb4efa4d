from django.urls import path

from projections.views import pages

urlpatterns = [
    path("projections/", pages.projections_home, name="projections_home"),
    path(
        "projections/districts/<slug:slug>/",
        pages.projections_district,
        name="projections_district",
    ),
    path("projections/births/", pages.births_page, name="projections_births"),
    path("projections/births/import/", pages.births_import, name="projections_births_import"),
]
