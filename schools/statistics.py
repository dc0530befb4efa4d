"""The fields of a school's annual statistics: what each counts, its unit, and the table of the
基层统计报表 it comes from (the import's sheets and headers, the template and the README are all
written from this list, so they cannot disagree).

统计时点: 1 September of the school year; a school year is named by the year it starts
("2025学年" = 2025/26, counted on 2025-09-01).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StatisticsField:
    name: str  # the model's field
    header: str  # the column's header, as the statistics form names it
    unit: str
    table: str  # the sheet, as the statistics forms name the table
    whole: bool = True  # a count; False: an area or an amount (two decimals)


STUDENTS = "学生数"
CLASSES = "班额"
STAFF = "教职工"
CONDITIONS = "办学条件"
TABLES = [STUDENTS, CLASSES, STAFF, CONDITIONS]

FIELDS = [
    StatisticsField("enrolled", "在校生数（幼儿园：在园幼儿数）", "人", STUDENTS),
    StatisticsField("entrants", "招生数", "人", STUDENTS),
    StatisticsField("graduates", "毕业生数", "人", STUDENTS),
    StatisticsField("migrant_children", "进城务工人员随迁子女在校生数", "人", STUDENTS),
    StatisticsField("disabled_children", "残疾学生（幼儿）在校生数", "人", STUDENTS),
    StatisticsField("classes", "班数", "个", CLASSES),
    StatisticsField("large_classes", "大班额班数（56—65人）", "个", CLASSES),
    StatisticsField("super_large_classes", "超大班额班数（66人及以上）", "个", CLASSES),
    StatisticsField("staff", "教职工数", "人", STAFF),
    StatisticsField("teachers", "专任教师数", "人", STAFF),
    StatisticsField("teachers_above_standard", "专任教师中高于规定学历人数", "人", STAFF),
    StatisticsField("backbone_teachers", "县级及以上骨干教师数", "人", STAFF),
    StatisticsField("pe_teachers", "体育专任教师数", "人", STAFF),
    StatisticsField("art_teachers", "艺术（音乐、美术）专任教师数", "人", STAFF),
    StatisticsField("certified_teachers", "持教师资格证专任教师数", "人", STAFF),
    StatisticsField("building_area", "校舍建筑面积", "平方米", CONDITIONS, whole=False),
    StatisticsField("teaching_area", "教学及辅助用房面积", "平方米", CONDITIONS, whole=False),
    StatisticsField("sports_area", "体育运动场（馆）面积", "平方米", CONDITIONS, whole=False),
    StatisticsField("equipment_value", "教学仪器设备资产值", "万元", CONDITIONS, whole=False),
    StatisticsField("multimedia_classrooms", "网络多媒体教室数", "间", CONDITIONS),
]
FIELD = {f.name: f for f in FIELDS}

SCHOOL_YEAR_HELP = _(
    "The school year is named by the year it starts: 2025 is the 2025/26 school year, counted "
    "on 1 September 2025."
)


def census_day(school_year: int) -> datetime.date:
    """统计时点: 1 September of the year the school year starts."""
    return datetime.date(school_year, 9, 1)


def school_year_label(school_year: int) -> str:
    """2025 -> "2025学年（2025/26）"."""
    return f"{school_year}学年（{school_year}/{(school_year + 1) % 100:02d}）"
