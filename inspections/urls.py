from django.urls import path, re_path

from inspections import views

urlpatterns = [
    path("inspections/", views.home, name="inspections_home"),
    path("inspections/evidence/<int:pk>/", views.evidence, name="inspections_evidence"),
    path("inspections/<slug:kind>/", views.city, name="inspections_city"),
    path("inspections/<slug:kind>/<slug:slug>/", views.county, name="inspections_county"),
    path(
        "inspections/<slug:kind>/<slug:slug>/items/", views.record_items, name="inspections_items"
    ),
    re_path(
        r"^inspections/(?P<kind>[a-z]+)/(?P<slug>[-a-z0-9]+)/report\.(?P<fmt>pdf|docx|xlsx)$",
        views.report,
        name="inspections_report",
    ),
]
