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


# Students by grade (分年级在校生). A grade is a whole number, so that a cohort's next grade is
# the number after it across levels: kindergarten 小班 −2, 中班 −1, 大班 0; 小学 1–6; 初中 7–9;
# 普通高中 10–12. A child born in year b is in grade g of school year y when b = y − 5 − g (小班
# at three, 一年级 at six). 中等职业学校 and 特殊教育学校 report no grades here.
GRADES = {
    -2: "小班",
    -1: "中班",
    0: "大班",
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "七年级（初一）",
    8: "八年级（初二）",
    9: "九年级（初三）",
    10: "高一",
    11: "高二",
    12: "高三",
}
LEVELS = {
    "kindergarten": (-2, -1, 0),
    "primary": (1, 2, 3, 4, 5, 6),
    "junior": (7, 8, 9),
    "senior": (10, 11, 12),
}
LEVEL_LABELS = {
    "kindergarten": _("pre-school"),
    "primary": _("primary"),
    "junior": _("junior secondary"),
    "senior": _("senior secondary"),
}
ENTRY_GRADES = {level: grades[0] for level, grades in LEVELS.items()}
# the grades each category of school teaches (its sections, for mixed schools)
GRADES_OF_CATEGORY = {
    "kindergarten": LEVELS["kindergarten"],
    "primary": LEVELS["primary"],
    "junior": LEVELS["junior"],
    "nine_year": LEVELS["primary"] + LEVELS["junior"],
    "twelve_year": LEVELS["primary"] + LEVELS["junior"] + LEVELS["senior"],
    "complete_secondary": LEVELS["junior"] + LEVELS["senior"],
    "senior": LEVELS["senior"],
    "vocational": (),
    "special": (),
}
_LEVEL_OF = {grade: level for level, grades in LEVELS.items() for grade in grades}


def level_of(grade: int) -> str:
    """The level a grade belongs to: 7 -> "junior"."""
    return _LEVEL_OF[grade]


def birth_year(school_year: int, grade: int) -> int:
    """The year a child in `grade` of `school_year` was born, at the usual age:
    一年级 of 2025 -> 2019."""
    return school_year - 5 - grade


def section_students(grades: dict[int, int]) -> dict[str, int]:
    """A school's students by level (its sections), from its students by grade:
    {1: 150, …, 7: 120, …} -> {"primary": 900, "junior": 360}. Levels without students are
    left out."""
    sections: dict[str, int] = {}
    for grade, students in grades.items():
        if students:
            sections[level_of(grade)] = sections.get(level_of(grade), 0) + students
    return sections
