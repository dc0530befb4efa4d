"""The audit trail's shape, shared by every log of changes (targets.FigureChange for figures,
ledger.LedgerChange for contributions and task reports): who changed what, when, through which
channel, the values before and after, and the comment given. Each log has one writer in its app
(targets.figures.log_changes, ledger.ledger.log_changes)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import role_of


class Change(models.Model):
    changed_at = models.DateTimeField(gettext_lazy("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(gettext_lazy("channel"), max_length=10)
    action = models.CharField(gettext_lazy("action"), max_length=20)
    old = models.JSONField(gettext_lazy("before"), default=dict, blank=True)
    new = models.JSONField(gettext_lazy("after"), default=dict, blank=True)
    comment = models.TextField(gettext_lazy("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]

    @property
    def who(self) -> str:
        return person(self.changed_by)


def only_changed(old: dict, new: dict) -> tuple[dict, dict]:
    """The before and after of the values that changed: what an audit row keeps."""
    return (
        {k: v for k, v in old.items() if new.get(k) != v},
        {k: v for k, v in new.items() if old.get(k) != v},
    )


def person(user) -> str:
    """Who someone is to the people reading a record: their role and where, their name, and the
    account ("张店区填报员 张三（staff-zhangdian）", "市局管理员（city-admin）")."""
    if user is None:
        return str(_("the system"))
    role = role_of(user)
    if role is None:
        title = _("administrator") if user.is_superuser else ""
    else:
        title = role.title
    who = f"{title} {_full_name(user)}".strip()
    if not who:
        return user.username
    return _("%(who)s (%(username)s)") % {"who": who, "username": user.username}


def _full_name(user) -> str:
    """张三 (family name first, no space) for Chinese names; "Jane Doe" otherwise."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if any("\u4e00" <= char <= "\u9fff" for char in first + last):
        return f"{last}{first}"
    return user.get_full_name()
