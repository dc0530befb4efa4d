"""Uploading figures: upload → preview row by row → confirm. All or nothing."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from departments import access
from plans.access import plan_for_request, require_open
from plans.models import plan_query
from targets import figures, workbook
from targets.models import FigureImport
from targets.views.entry import scope_for


@login_required
def figure_template(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    scope = scope_for(request, slug, write=True)
    if year not in scope.plan.years:
        raise Http404
    content = workbook.build_template(scope.plan, [scope.district], year)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"zibo-figures-{scope.slug}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def figure_import(request: HttpRequest) -> HttpResponse:
    access.require(access.may_upload(request.user))
    plan = plan_for_request(request)
    require_open(request.user, plan)
    if request.method == "GET":
        return render(request, "targets/figure_import.html", {"plan": plan})
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(reverse("figure_import") + plan_query(request))
    try:
        if upload_file.size > workbook.upload_limits().upload_bytes:  # do not read it at all
            raise workbook.WorkbookError.too_large(upload_file.size)
        content = upload_file.read()
        upload = workbook.read(content, upload_file.name, plan=plan, user=request.user)
    except workbook.WorkbookError as error:
        context = {"plan": plan, "filename": upload_file.name, "problems": error.problems}
        context["total"] = error.total
        return render(request, "targets/figure_import.html", context, status=error.status)
    pending = FigureImport.objects.create(
        uploaded_by=request.user,
        filename=upload_file.name[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        fingerprint=workbook.fingerprint(upload),
        seen=workbook.seen(upload),
    )
    return render(
        request,
        "targets/import_preview.html",
        {"plan": plan, "pending": pending, "upload": upload, "counts": upload.counts},
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    pending = get_object_or_404(
        FigureImport, pk=pk, uploaded_by=request.user, applied_at__isnull=True
    )
    plan = plan_for_request(request)
    require_open(request.user, plan)
    with transaction.atomic():
        try:
            upload = workbook.read(
                bytes(pending.content), pending.filename, plan=plan, user=request.user
            )
            if workbook.fingerprint(upload) != pending.fingerprint:
                raise figures.FigureConflict([row.current for row in upload.rows if row.current])
            outcome = workbook.save(upload, user=request.user, filename=pending.filename)
        except (workbook.WorkbookError, figures.FigureConflict, figures.FigureLocked):
            changed = workbook.changed_since(pending.seen)
            if changed:
                message = _(
                    "Figures changed since the preview; nothing was saved. Upload the file "
                    "again. Changed: %(figures)s"
                ) % {"figures": pgettext("list separator", "; ").join(changed)}
            else:
                message = _(
                    "Figures changed since the preview; nothing was saved. Upload the file again."
                )
            messages.error(request, message)
            return redirect(reverse("figure_import") + plan_query(request))
        pending.applied_at = timezone.now()
        pending.summary = _("%(created)d new, %(updated)d changed, %(unchanged)d unchanged") % {
            "created": len(outcome.created),
            "updated": len(outcome.updated),
            "unchanged": len(outcome.unchanged),
        }
        pending.save(update_fields=["applied_at", "summary"])
    messages.success(request, _("Imported %(file)s: %(summary)s.") % {
        "file": pending.filename, "summary": pending.summary})  # fmt: skip
    first = upload.rows[0]
    slug = first.district.slug if first.district else "city"
    url = reverse("figure_entry", args=[slug, first.entry.key.year])
    return redirect(url + plan_query(request))
