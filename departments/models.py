"""Who does the work: the city, its departments, its districts, and each user's role."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zibo_edu.lib.single_line import validate_single_line


class City(models.Model):
    """A prefecture-level city (地级市) whose government issues a plan."""

    name = models.CharField(
        _("name"), max_length=50, unique=True, validators=[validate_single_line]
    )
    province = models.CharField(_("province"), max_length=50)

    class Meta:
        # "city" alone is the city level (市级) beside the districts; the model is a place (城市).
        verbose_name = pgettext_lazy("a place", "city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department of the city named in a plan, e.g. 市教育局."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="departments", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=50, validators=[validate_single_line])
    slug = models.SlugField(_("short code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["city", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="department_unique_name"),
            models.UniqueConstraint(fields=["city", "slug"], name="department_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("department_detail", args=[self.pk])


class District(models.Model):
    """A county-level unit (区县) that reports figures: district, county or functional area."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        COUNTY = "county", _("county")
        FUNCTIONAL_AREA = "functional_area", _("functional area")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="districts", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=50, validators=[validate_single_line])
    full_name = models.CharField(
        _("full name"), max_length=100, blank=True, validators=[validate_single_line]
    )
    slug = models.SlugField(_("short code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["city", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name"),
            models.UniqueConstraint(fields=["city", "slug"], name="district_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """What a user does in the application, and for which district or department.

    District staff (区县填报员) are bound to one district, department heads (牵头部门负责人) to one
    department, and so to its city; the city admin (市局管理员) names the city. The provincial
    role (省教育厅) is bound to nothing: it reads every city and administers none. The database
    enforces the binding.
    """

    class Kind(models.TextChoices):
        DISTRICT_STAFF = "district_staff", _("district staff")
        DEPARTMENT_HEAD = "department_head", _("department head")
        CITY_ADMIN = "city_admin", _("city administrator")
        PROVINCE = "province", _("provincial education department")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="heads",
    )
    city = models.ForeignKey(
        City,
        verbose_name=pgettext_lazy("a place", "city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admins",
        help_text=_("The city a city administrator administers."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                name="role_binding_matches_kind",
                condition=(
                    Q(kind="district_staff", district__isnull=False, department__isnull=True)
                    | Q(kind="department_head", district__isnull=True, department__isnull=False)
                    | Q(kind="city_admin", district__isnull=True, department__isnull=True)
                    | Q(kind="province", district__isnull=True, department__isnull=True)
                ),
                violation_error_message=_(
                    "District staff need a district, department heads a department, and the "
                    "city administrator and the province neither."
                ),
            ),
            models.CheckConstraint(
                name="role_city_only_for_city_admin",
                condition=Q(kind="city_admin", city__isnull=False)
                | (~Q(kind="city_admin") & Q(city__isnull=True)),
                violation_error_message=_(
                    "A city administrator names the city; the other roles take it from their "
                    "district or department, the province has none."
                ),
            ),
        ]

    def __str__(self) -> str:
        bound_to = self.district or self.department  # not the city: one query less per page
        label = self.get_kind_display()
        return f"{label} · {bound_to}" if bound_to else str(label)

    def save(self, *args, **kwargs) -> None:
        """A city admin named without a city is the installation's (its only city, else the
        default plan's), as the migration bound the existing ones."""
        if self.kind == self.Kind.CITY_ADMIN and self.city_id is None:
            cities = list(City.objects.values_list("pk", flat=True)[:2])
            if len(cities) > 1:  # the city of the installation's default plan
                cities = City.objects.filter(plans__slug=settings.ZIBO_DEFAULT_PLAN)
                cities = list(cities.values_list("pk", flat=True))
            if len(cities) == 1:
                self.city_id = cities[0]
        super().save(*args, **kwargs)

    @property
    def city_id_bound(self) -> int | None:
        """The city the role belongs to; None for the province (every city)."""
        if self.district_id:
            return self.district.city_id
        if self.department_id:
            return self.department.city_id
        return self.city_id

    @property
    def title(self) -> str:
        """The role as people name it: "张店区填报员", "市教育局负责人", "市局管理员"."""
        if self.kind == self.Kind.DISTRICT_STAFF:
            return _("%(district)s staff") % {"district": self.district.name}
        if self.kind == self.Kind.DEPARTMENT_HEAD:
            return _("head of %(department)s") % {"department": self.department.name}
        if self.kind == self.Kind.PROVINCE:
            return str(_("provincial education department"))
        return str(_("city administrator"))

    @property
    def is_city_admin(self) -> bool:
        return self.kind == self.Kind.CITY_ADMIN


def role_of(user) -> Role | None:
    """The user's role, or None for anonymous users and accounts without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.role
    except Role.DoesNotExist:
        return None


class ApiToken(models.Model):
    """A machine client's key to the JSON API (`Authorization: Bearer <secret>`): it acts as its
    account, with that account's role, and reads only unless it `may_write`. Only the sha256 of
    the secret is kept; the secret is shown once, when the token is made (departments.tokens)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token acts as this account, with its role."),
    )
    name = models.CharField(
        _("client"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Which program uses it, e.g. 区统计系统."),
    )
    may_write = models.BooleanField(
        _("may write"),
        default=False,
        help_text=_("Unticked, the token only reads; ticked, it also writes what its account may."),
    )
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
