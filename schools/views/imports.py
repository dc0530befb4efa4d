"""The statistics import: template, upload, preview, confirm (all or nothing)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.access import city_id_of, own_district, require
from departments.models import District
from schools import access, directory, workbook
from schools.models import GradeEnrolment, School, SchoolYearStatistics, StatisticsImport
from schools.statistics import FIELDS, GRADES, school_year_label, school_year_name
from targets.workbook.problems import Problem, WorkbookError, upload_limits
from zibo_edu.lib.params import BadParameter


def _school_year(request: HttpRequest, default: int | None = None) -> int:
    """?year= (or the form's year), else `default`, else the school year counted last."""
    today = datetime.date.today()
    if default is None:
        default = today.year if today.month >= 9 else today.year - 1
    raw = request.POST.get("year") or request.GET.get("year") or str(default)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise BadParameter(_("year must be a school year between 2000 and 2100"))
    return int(raw)


def _districts(request: HttpRequest) -> list[District]:
    own = own_district(request.user)
    if own is not None:
        return [own]
    city = city_id_of(request.user)
    rows = District.objects.all() if city is None else District.objects.filter(city_id=city)
    return list(rows)


@login_required
def statistics_template(request: HttpRequest) -> HttpResponse:
    require(access.may_import(request.user))
    year = _school_year(request)
    district = access.import_district(request, request.GET.get("district", ""))
    schools = School.objects.for_user(request.user).open_in(year).order_by("district", "code")
    if district is not None:
        schools = schools.filter(district=district)
    content = workbook.build_template(schools, year)
    name = f"statistics-{district.slug if district else 'city'}-{year}.xlsx"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-"
                            "officedocument.spreadsheetml.sheet")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def statistics_import(request: HttpRequest) -> HttpResponse:
    require(access.may_import(request.user))
    year = _school_year(request)
    context = {"year": year, "districts": _districts(request), "fields": FIELDS,
               "tables": "、".join(workbook.SHEETS), "label": school_year_name(year)}  # fmt: skip
    if request.method != "POST":
        return render(request, "schools/import.html", context)
    district = access.import_district(request, request.POST.get("district", ""))
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("statistics_import")
    try:
        if upload_file.size > upload_limits().upload_bytes:
            raise WorkbookError.too_large(upload_file.size)
        content = upload_file.read()
        upload = workbook.read(content, upload_file.name, user=request.user,
                               school_year=year, district=district)  # fmt: skip
    except WorkbookError as error:
        context |= {"filename": upload_file.name, "problems": error.problems,
                    "total": error.total, "chosen": district}  # fmt: skip
        return render(request, "schools/import.html", context, status=error.status)
    pending = StatisticsImport.objects.create(
        uploaded_by=request.user, filename=upload_file.name[:200], content=content,
        school_year=year, district=district, schools=len(upload.codes), cells=upload.cells,
    )  # fmt: skip
    context |= {"pending": pending, "changes": _changes(upload)[:200], "upload": upload,
                "directory": _directory_summary(upload)}  # fmt: skip
    return render(request, "schools/import_preview.html", context)


def _changes(upload: workbook.Upload) -> list[tuple[School, str, object, object]]:
    """(school, field, stored, new) for every value the upload would change: the directory's
    fields, the statistics, the grades."""
    changes = []
    for school, old, new in upload.updated:
        for name in old:
            changes.append((school, directory.LABELS[name], directory.shown(name, old[name]),
                            directory.shown(name, new[name])))  # fmt: skip
    ids = [s.pk for s in upload.schools.values() if s.pk is not None]
    stored = {
        s.school_id: s
        for s in SchoolYearStatistics.objects.filter(
            school_id__in=ids, school_year=upload.school_year
        )
    }
    grades: dict[int, dict[int, int]] = {}
    for row in GradeEnrolment.objects.filter(
        statistics__school_id__in=ids, statistics__school_year=upload.school_year
    ).values_list("statistics__school_id", "grade", "students"):
        grades.setdefault(row[0], {})[row[1]] = row[2]
    for code in sorted(upload.codes):
        school = upload.schools[code]
        values = upload.values.get(code, {})
        for spec in FIELDS:
            if spec.name in values:
                old = getattr(stored.get(school.pk), spec.name, None)
                if old != values[spec.name]:
                    changes.append((school, spec.header, old, values[spec.name]))
        if code in upload.grades:
            before = grades.get(school.pk, {})
            for grade, label in GRADES.items():
                old, new = before.get(grade), upload.grades[code].get(grade)
                if old != new:
                    changes.append((school, label, old, new))
    return changes


@login_required
@require_POST
def statistics_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    pending = get_object_or_404(
        StatisticsImport, pk=pk, uploaded_by=request.user, applied_at__isnull=True
    )
    try:
        upload = workbook.read(
            bytes(pending.content),
            pending.filename,
            user=request.user,
            school_year=pending.school_year,
            district=pending.district,
        )
    except WorkbookError as error:  # the schools changed since the preview
        problems = [Problem(_("file"), None, None, _("upload the file again")), *error.problems]
        context = {"problems": problems, "total": error.total, "filename": pending.filename,
                   "year": pending.school_year, "districts": _districts(request)}  # fmt: skip
        return render(request, "schools/import.html", context, status=409)
    channel = "csv" if pending.filename.lower().endswith((".csv", ".txt")) else "excel"
    workbook.save(upload, user=request.user, source=pending.filename, channel=channel)
    pending.applied_at = timezone.now()
    pending.save(update_fields=["applied_at"])
    saved = {"schools": len(upload.codes), "year": school_year_label(upload.school_year)}
    messages.success(request, _("%(schools)s schools' statistics saved for %(year)s.") % saved)
    if upload.created or upload.updated:
        messages.success(request, _directory_summary(upload))
    return redirect(reverse("statistics_import") + f"?year={pending.school_year}")


def _directory_summary(upload: workbook.Upload) -> str:
    """新增学校 N 所，更新 M 所 (or nothing, when the upload has no directory change)."""
    if not (upload.created or upload.updated):
        return ""
    return _("New schools: %(created)s; schools updated: %(updated)s.") % {
        "created": len(upload.created),
        "updated": len(upload.updated),
    }
