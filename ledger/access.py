"""Who may see and change what in the task ledger and the supervision notices.

One `get_x_for_user(request, pk, write=...)` per object kind: 404 for what the user may not see,
403 for what they may see but not change. Views, the nav bar and the API ask this module; nothing
checks `role.kind` inline.

- The ledger (tasks, rounds, reports, contributions) is open to every signed-in role: the plan is
  public and the city follows it in the open. Attachments are evidence: only the task's
  departments and the city admin download them.
- A department writes only its own contribution to a task it co-operates on; only the lead
  department writes the task's report; only the city admin opens rounds, approves, returns and
  issues notices.
- A notice is seen by the city admin and by its recipient (the department or the district), and
  replied to by the recipient only.

The role rules themselves (who is the city admin, a department's head, a district's staff, which
city a user belongs to) are targets.access's, asked here, never restated: a superuser is the city
admin of every city here as there (the ledger opens to them, they manage rounds and notices).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from departments.access import (
    city_id_of,
    has_role,
    headed_department,
    is_city_admin,
    is_province,
    may_issue_notices,
    staff_district_id,
)
from ledger.models import Attachment, Notice, ReportingRound
from plans.access import may_see_plan, may_write_plan, require_open
from plans.models import Task, TaskDepartment

# The ended-plan rule and the city admin's, asked here by ledger views (one rule, targets.access).
__all__ = ["is_city_admin", "may_issue_notices", "may_write_plan", "require_open"]

department_of = headed_department  # the department a head is bound to (one rule, targets.access)


def may_see_ledger(user) -> bool:
    return has_role(user)


def may_manage(user) -> bool:
    """Open rounds, approve or return reports, issue and close notices: the city admin."""
    return is_city_admin(user)


def may_have_inbox(user) -> bool:
    return has_role(user)


def position_on(user, task: Task) -> int | None:
    """0 when the user's department leads the task, >0 when it co-operates, None otherwise."""
    department = department_of(user)
    if department is None:
        return None
    return (
        TaskDepartment.objects.filter(task=task, department=department)
        .values_list("position", flat=True)
        .first()
    )


def may_contribute(user, task: Task) -> bool:
    position = position_on(user, task)
    return position is not None and position > 0


def may_write_report(user, task: Task) -> bool:
    return position_on(user, task) == 0


def may_see_attachments(user, task: Task) -> bool:
    return is_city_admin(user) or position_on(user, task) is not None


def notices_for(user) -> QuerySet[Notice]:
    notices = Notice.objects.select_related("plan", "department", "district", "task", "target")
    if is_city_admin(user) or is_province(user):
        city = city_id_of(user)  # the province reads every city's notices
        return notices if city is None else notices.filter(plan__city=city)
    if department := department_of(user):
        return notices.filter(department=department)
    if (district_id := staff_district_id(user)) is not None:
        return notices.filter(district=district_id)
    return notices.none()


def may_reply(user, notice: Notice) -> bool:
    department, district_id = department_of(user), staff_district_id(user)
    return (department is not None and notice.department_id == department.pk) or (
        district_id is not None and notice.district_id == district_id
    )


def _signed_in(request: HttpRequest) -> None:
    if not may_see_ledger(request.user):
        raise Http404


def get_task_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Task:
    """A task of the ledger. Writing: the plan is open and the user writes something on the task
    (a contribution, its report, or a review); the view then asks which (`may_contribute`,
    `may_write_report`, `may_manage`)."""
    _signed_in(request)
    task = get_object_or_404(
        Task.objects.worked().with_departments().select_related("part__plan"),
        pk=pk,
    )
    if not may_see_plan(request.user, task.part.plan):
        raise Http404
    if write:
        require_open(request.user, task.part.plan)
        user = request.user
        if not (may_contribute(user, task) or may_write_report(user, task) or may_manage(user)):
            raise PermissionDenied
    return task


def get_round_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> ReportingRound:
    _signed_in(request)
    reporting_round = get_object_or_404(ReportingRound.objects.select_related("plan"), pk=pk)
    if not may_see_plan(request.user, reporting_round.plan):
        raise Http404
    if write:
        require_open(request.user, reporting_round.plan)
    if write and not may_manage(request.user):
        raise PermissionDenied
    return reporting_round


def get_attachment_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Attachment:
    _signed_in(request)
    attachment = get_object_or_404(
        Attachment.objects.select_related("contribution__task", "contribution__round__plan"), pk=pk
    )
    if not may_see_attachments(request.user, attachment.contribution.task):
        raise Http404
    if not may_see_plan(request.user, attachment.contribution.round.plan):
        raise Http404
    if write:
        require_open(request.user, attachment.contribution.round.plan)
    if write and department_of(request.user) != attachment.contribution.department:
        raise PermissionDenied
    return attachment


def get_notice_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Notice:
    """A notice. Writing: the plan is open and the user is its recipient (a reply) or the city
    admin (a review); the view then asks which (`may_reply`, `may_manage`)."""
    notice = get_object_or_404(notices_for(request.user), pk=pk)
    if write:
        require_open(request.user, notice.plan)
        if not (may_reply(request.user, notice) or may_manage(request.user)):
            raise PermissionDenied
    return notice


def require(allowed: bool) -> None:
    """403 unless the user may do the write a view is about to do."""
    if not allowed:
        raise PermissionDenied
