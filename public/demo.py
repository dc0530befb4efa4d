"""The demo's public pages: Zibo's plan published, one target withheld to show how."""

from plans.models import Plan
from public import publication
from public.models import Withholding
from targets.models import Target

REASON = "演示：该指标口径待核实，暂不公开"


def publish(plan: Plan, *, user) -> Target | None:
    """Publish the plan and withhold one target (one whose reading of the plan is in doubt, else
    its last); a second run changes nothing. Returns the withheld target."""
    publication.publish(plan, user=user)
    targets = Target.objects.of_plan(plan).select_related("task__part__plan")
    withheld = Withholding.objects.filter(target__in=targets).first()
    if withheld is not None:
        return withheld.target
    target = targets.exclude(doubt="").first() or targets.last()
    if target is not None:
        publication.withhold(target, user=user, reason=REASON)
    return target
