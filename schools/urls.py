from django.urls import path

from schools.views import imports, reconcile

urlpatterns = [
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
