"""Publishing a plan to the public: publish or unpublish it, withhold a target (with a reason) or
release it again. Each step is audited (PublicationChange) and moves the plan's version, which
the public pages' cache key holds (public.content)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from plans.models import Plan
from public import front
from public.models import Publication, PublicationChange, Withholding
from targets.models import Target


def publication_of(plan: Plan) -> Publication:
    publication, _created = Publication.objects.get_or_create(plan=plan)
    return publication


def is_published(plan: Plan) -> bool:
    return Publication.objects.filter(plan=plan, published=True).exists()


def bump(plan_ids) -> None:
    """What the public sees of these plans may have changed: their cached pages are stale."""
    Publication.objects.filter(plan__in=list(plan_ids)).update(version=F("version") + 1)
    _moved()


def _moved() -> None:
    """This process's kept versions (public.front) are stale: now, and again once committed
    (another request of this process may read the old version before the commit)."""
    front.forget()
    transaction.on_commit(front.forget)


def figures_changed(sender, plan_ids, **kwargs) -> None:
    """targets.standings.refreshed: the plans' figures changed (an approval, a reopening …)."""
    bump(plan_ids)


def _log(plan: Plan, action: str, *, user, target: Target | None = None, comment: str = ""):
    PublicationChange.objects.create(
        plan=plan, target=target, action=action, channel="admin", changed_by=user, comment=comment
    )


@transaction.atomic
def publish(plan: Plan, *, user) -> bool:
    """Publish the plan; False when it already was."""
    publication = publication_of(plan)
    if publication.published:
        return False
    publication.published = True
    publication.published_at = timezone.now()
    publication.version += 1
    publication.save()
    _moved()
    _log(plan, PublicationChange.Action.PUBLISH, user=user)
    return True


@transaction.atomic
def unpublish(plan: Plan, *, user) -> bool:
    publication = publication_of(plan)
    if not publication.published:
        return False
    publication.published = False
    publication.version += 1
    publication.save()
    _moved()
    _log(plan, PublicationChange.Action.UNPUBLISH, user=user)
    return True


@transaction.atomic
def withhold(target: Target, *, user, reason: str) -> None:
    """Keep the target off the public pages; the reason is required and kept in the audit."""
    reason = reason.strip()
    if not reason:
        raise ValueError("reason")
    plan = target.task.part.plan
    Withholding.objects.update_or_create(target=target, defaults={"reason": reason})
    publication_of(plan)
    bump([plan.pk])
    _log(plan, PublicationChange.Action.WITHHOLD, user=user, target=target, comment=reason)


@transaction.atomic
def release(target: Target, *, user) -> bool:
    """Show a withheld target again; False when it was not withheld."""
    deleted, _rows = Withholding.objects.filter(target=target).delete()
    if not deleted:
        return False
    plan = target.task.part.plan
    bump([plan.pk])
    _log(plan, PublicationChange.Action.RELEASE, user=user, target=target)
    return True
