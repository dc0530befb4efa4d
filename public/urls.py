from django.urls import path, register_converter

from public.views import pages, preview


class Format:
    regex = "csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DocumentFormat(Format):
    regex = "pdf|docx"


register_converter(Format, "fmt")
register_converter(DocumentFormat, "docfmt")

urlpatterns = [
    path("public/<slug:plan>/", pages.plan, name="public_plan"),
    path("public/<slug:plan>/targets.<fmt:fmt>", pages.plan, name="public_plan_table"),
    path("public/<slug:plan>/data.<fmt:fmt>", pages.data, name="public_data"),
    path("public/<slug:plan>/targets/<slug:key>/", pages.target, name="public_target"),
    path(
        "public/<slug:plan>/targets/<slug:key>.<fmt:fmt>",
        pages.target,
        name="public_target_table",
    ),
    path("public/<slug:plan>/districts/<slug:slug>/", pages.district, name="public_district"),
    path(
        "public/<slug:plan>/districts/<slug:slug>.<fmt:fmt>",
        pages.district,
        name="public_district_table",
    ),
    path(
        "public/<slug:plan>/documents/<slug:key>.<docfmt:fmt>",
        pages.document,
        name="public_document",
    ),
    path("public/<slug:plan>/preview/", preview.plan, name="public_preview"),
    path("public/<slug:plan>/preview/targets/<slug:key>/", preview.target),
    path("public/<slug:plan>/preview/districts/<slug:slug>/", preview.district),
]
