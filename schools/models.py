"""Schools and kindergartens, and each one's annual education statistics (教育事业统计)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from departments.models import District
from schools.statistics import GRADES, SCHOOL_YEAR_HELP, census_day
from zibo_edu.lib.single_line import validate_single_line

validate_school_code = RegexValidator(r"^\d{10}\Z", _("A school code (学校标识码) is 10 digits."))


class SchoolQuerySet(models.QuerySet):
    def open_in(self, school_year: int) -> "SchoolQuerySet":
        """Schools open on the school year's census day (1 September): a merged or closed
        school stays in the years it was open, so its history reads as it was."""
        day = census_day(school_year)
        return self.filter(
            models.Q(opened__isnull=True) | models.Q(opened__lte=day),
            models.Q(closed__isnull=True) | models.Q(closed__gt=day),
        )

    def for_user(self, user) -> "SchoolQuerySet":
        from schools.access import scope_schools

        return scope_schools(self, user)


class School(models.Model):
    """A school or kindergarten, known by its 学校标识码 (10 digits)."""

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("public")
        PRIVATE = "private", _("private")

    class Inclusiveness(models.TextChoices):
        """For kindergartens only."""

        PUBLIC = "public", _("public kindergarten")
        INCLUSIVE_PRIVATE = "inclusive_private", _("inclusive private kindergarten")
        PRIVATE = "private", _("non-inclusive private kindergarten")

    class Category(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("kindergarten")
        PRIMARY = "primary", _("primary school")
        JUNIOR = "junior", _("junior secondary school")
        NINE_YEAR = "nine_year", _("nine-year school")
        TWELVE_YEAR = "twelve_year", _("twelve-year school")
        COMPLETE_SECONDARY = "complete_secondary", _("complete secondary school")
        SENIOR = "senior", _("senior high school")
        VOCATIONAL = "vocational", _("secondary vocational school")
        SPECIAL = "special", _("special education school")

    class Locality(models.TextChoices):
        URBAN = "urban", _("urban")
        TOWN = "town", _("town")
        RURAL = "rural", _("rural")

    code = models.CharField(
        _("school code"), max_length=10, unique=True, validators=[validate_school_code]
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="schools"
    )
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices)
    inclusiveness = models.CharField(
        _("inclusive status"),
        max_length=20,
        choices=Inclusiveness.choices,
        blank=True,
        help_text=_("Kindergartens only: public, inclusive private or non-inclusive private."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    locality = models.CharField(_("urban or rural"), max_length=10, choices=Locality.choices)
    opened = models.DateField(_("opened on"), null=True, blank=True)
    closed = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    approved_places = models.PositiveIntegerField(_("approved places"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools and kindergartens")
        ordering = ["district", "category", "code"]
        constraints = [
            models.CheckConstraint(
                name="school_code_ten_digits", condition=models.Q(code__regex=r"^[0-9]{10}$")
            ),
            # 普惠 status belongs to kindergartens and every kindergarten has one; a public
            # kindergarten is a 公办园, a private one never is.
            models.CheckConstraint(
                name="school_inclusiveness_for_kindergartens",
                condition=(
                    models.Q(category="kindergarten", ownership="public", inclusiveness="public")
                    | models.Q(
                        category="kindergarten",
                        ownership="private",
                        inclusiveness__in=["inclusive_private", "private"],
                    )
                    | (~models.Q(category="kindergarten") & models.Q(inclusiveness=""))
                ),
            ),
            models.CheckConstraint(
                name="school_closed_after_opened",
                condition=models.Q(opened__isnull=True)
                | models.Q(closed__isnull=True)
                | models.Q(closed__gt=models.F("opened")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("school_detail", args=[self.code])


def _count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


def _amount(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True)


class SchoolYearStatistics(models.Model):
    """One school's statistics for one school year, as of its census day (1 September). Blank:
    not reported. The units and source tables are schools.statistics.FIELDS'."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="statistics"
    )
    school_year = models.PositiveSmallIntegerField(_("school year"), help_text=SCHOOL_YEAR_HELP)
    enrolled = _count(_("students enrolled"))
    entrants = _count(_("entrants"))
    graduates = _count(_("graduates"))
    migrant_children = _count(_("children of migrant workers"))
    disabled_children = _count(_("children with disabilities"))
    classes = _count(_("classes"))
    large_classes = _count(_("large classes (56–65)"))
    super_large_classes = _count(_("very large classes (66+)"))
    staff = _count(_("staff"))
    teachers = _count(_("full-time teachers"))
    teachers_above_standard = _count(_("teachers above the required qualification"))
    backbone_teachers = _count(_("county-level or higher key teachers"))
    pe_teachers = _count(_("PE teachers"))
    art_teachers = _count(_("art teachers"))
    certified_teachers = _count(_("certified teachers"))
    building_area = _amount(_("building area"))
    teaching_area = _amount(_("teaching and auxiliary area"))
    sports_area = _amount(_("sports ground area"))
    equipment_value = _amount(_("teaching equipment value"))
    multimedia_classrooms = _count(_("networked multimedia classrooms"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("school year statistics")
        verbose_name_plural = _("school year statistics")
        ordering = ["school", "school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="statistics_once_per_school_year"
            ),
            models.CheckConstraint(
                name="statistics_teachers_within_staff",
                condition=models.Q(teachers__isnull=True)
                | models.Q(staff__isnull=True)
                | models.Q(teachers__lte=models.F("staff")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.school_year}学年"


class GradeEnrolment(models.Model):
    """A school's students in one grade in one school year (分年级在校生), the ground of the
    cohort projections and of mixed schools' sections. Where a school year has grade rows, they
    add up to its `enrolled`."""

    statistics = models.ForeignKey(
        SchoolYearStatistics, verbose_name=_("statistics"), on_delete=models.CASCADE,
        related_name="grades",
    )  # fmt: skip
    grade = models.SmallIntegerField(_("grade"), choices=sorted(GRADES.items()))
    students = models.PositiveIntegerField(_("students"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("students by grade")
        verbose_name_plural = _("students by grade")
        ordering = ["statistics", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["statistics", "grade"], name="grade_once_per_statistics"
            ),
            models.CheckConstraint(
                name="grade_between_kindergarten_and_senior",
                condition=models.Q(grade__gte=-2, grade__lte=12),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statistics} {GRADES[self.grade]}"


class StatisticsImport(models.Model):
    """One statistics upload: previewed, then applied (or not); who, when, which file and what
    it wrote. The record of where every imported value came from."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL,
        null=True, related_name="+",
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    school_year = models.PositiveSmallIntegerField(_("school year"))
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, null=True, blank=True
    )
    schools = models.PositiveIntegerField(_("number of schools"), default=0)
    cells = models.PositiveIntegerField(_("values"), default=0)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistics import")
        verbose_name_plural = _("statistics imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} {self.school_year}"
