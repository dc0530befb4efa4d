"""Taking the value derived from the statistics as a district's figure: one click on the target
page, recorded through targets.figures (channel 统计数据, audited)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.access import plan_for_request, require_open
from schools import reconciliation
from targets import figures
from targets.access import get_district_for_user, get_target_for_user
from zibo_edu.lib.params import BadParameter


@login_required
@require_POST
def take_derived(request: HttpRequest, pk: int, slug: str, year: int) -> HttpResponse:
    plan = plan_for_request(request)
    target = get_target_for_user(request, pk, plan)
    district = get_district_for_user(request, slug, plan, write=True)
    require_open(request.user, plan)
    raw = request.POST.get("version", "")
    if not raw.isdigit():
        raise BadParameter(_("version must be the figure's version as shown (0 when absent)"))
    try:
        reconciliation.take_derived(target, district, year, user=request.user, version=int(raw))
        messages.success(request, _("The derived value is now %(district)s's %(year)s figure (a "
                                    "draft: submit it as any other).")
                         % {"district": district.name, "year": year})  # fmt: skip
    except reconciliation.NothingDerived:
        messages.error(request, _("The statistics hold no value for this district and year."))
    except reconciliation.NotTakeable as error:
        messages.error(request, str(error))
    except figures.FigureLocked:
        messages.error(request, _("The figure is submitted or approved: it must be returned or "
                                  "reopened before it changes."))  # fmt: skip
    except (figures.FigureConflict, figures.FigureCarried):
        messages.error(request, _("The figure changed since the page was shown: look again."))
    url = reverse("progress_target", args=[target.pk]) + f"?plan={plan.slug}#indicator-panel"
    return redirect(url)
