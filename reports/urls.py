from django.urls import path

from reports.views import pages

urlpatterns = [
    path("reports/", pages.report_list, name="report_list"),
    path("reports/generate/", pages.generate_now, name="report_generate"),
    path("reports/<int:pk>/pdf/", pages.report_pdf, name="report_pdf"),
]
