from django.urls import path

from reports.views import evaluation, pages

urlpatterns = [
    path("reports/", pages.report_list, name="report_list"),
    path("reports/generate/", pages.generate_now, name="report_generate"),
    path("reports/<int:pk>/pdf/", pages.report_pdf, name="report_pdf"),
    path("evaluation/", evaluation.evaluation_start, name="evaluation_start"),
    path("evaluation/<slug:slug>/", evaluation.evaluation_page, name="evaluation"),
    path("evaluation/<slug:slug>/build/", evaluation.evaluation_build, name="evaluation_build"),
    path(
        "evaluation/reports/<int:pk>/download/",
        evaluation.evaluation_download,
        name="evaluation_download",
    ),
]
