"""The 学校名录 sheet of the statistics workbook: it adds schools and updates their fields.

A code the uploader's schools do not have creates a school in the upload's district (district
staff: theirs; the city's workbook: the one its 区县 column names); a known code updates the
fields whose cells differ (a blank cell keeps what is stored); a code of another district's school
is refused, naming the school. Every new school and every change is a SchoolChange row. Nothing
is saved unless the whole workbook is (schools.workbook.save).
"""

import copy
import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from departments import access
from departments.models import District
from schools.models import School, SchoolChange
from targets.workbook.problems import Problem
from zibo_edu.lib.single_line import CONTROL_CHARACTERS

SHEET = "学校名录"
HEADERS = [
    "学校标识码",
    "学校名称",
    "办别",
    "普惠性质",
    "类别",
    "城乡",
    "核定学位",
    "开办日期",
    "撤销日期",
    "区县",
]
OWNERSHIP = {"公办": "public", "民办": "private"}
INCLUSIVENESS = {
    "公办园": "public",
    "普惠性民办园": "inclusive_private",
    "非普惠性民办园": "private",
}
CATEGORY = {
    "幼儿园": "kindergarten",
    "小学": "primary",
    "初中": "junior",
    "九年一贯制": "nine_year",
    "十二年一贯制": "twelve_year",
    "完全中学": "complete_secondary",
    "普通高中": "senior",
    "中等职业学校": "vocational",
    "特殊教育学校": "special",
}
LOCALITY = {"城区": "urban", "镇区": "town", "乡村": "rural"}
_ALIASES = {"九年一贯制学校": "nine_year", "十二年一贯制学校": "twelve_year"}
CHOICES = {  # field → (header, label → value)
    "ownership": ("办别", OWNERSHIP),
    "inclusiveness": ("普惠性质", INCLUSIVENESS),
    "category": ("类别", CATEGORY),
    "locality": ("城乡", LOCALITY),
}
FIELDS = [
    "name",
    "ownership",
    "inclusiveness",
    "category",
    "locality",
    "approved_places",
    "opened",
    "closed",
]
LABELS = dict(zip(FIELDS, HEADERS[1:9], strict=True))
_LABEL_OF = {field: {v: k for k, v in labels.items()} for field, (_h, labels) in CHOICES.items()}


def code_of(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip() if raw is not None else ""


def shown(field: str, value) -> str:
    """A directory value as the sheet writes it: 公办, 幼儿园, 2024-09-01."""
    if value in (None, ""):
        return ""
    if field in _LABEL_OF:
        return _LABEL_OF[field].get(value, value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def row_of(school: School) -> list:
    """A school's row in the template."""
    return [
        school.code,
        school.name,
        *[shown(f, getattr(school, f)) for f in FIELDS[1:5]],
        school.approved_places,
        shown("opened", school.opened),
        shown("closed", school.closed),
        school.district.name,
    ]


def _column(index: int) -> str:
    return f"{chr(ord('A') + index)}（{HEADERS[index]}）"


class Reader:
    """Reads the 学校名录 rows for schools.workbook's reader (`parent`)."""

    def __init__(self, parent, user, district: District | None):
        self.parent = parent
        self.district = district
        if district is None and user is not None:
            district = access.own_district(user)
            self.district = district
        districts = District.objects.all()
        if user is not None and (city := access.city_id_of(user)) is not None:
            districts = districts.filter(city_id=city)
        self.districts = {d.name: d for d in districts}
        self.seen: dict[str, int] = {}
        self.new: dict[str, tuple[int, School]] = {}  # code → (row, school to create)

    def problem(self, number: int, index: int | None, message: str) -> None:
        column = _column(index) if index is not None else None
        self.parent.problems.add(Problem(SHEET, number, column, message))

    def row(self, number: int, values) -> None:
        values = list(values) + [None] * (len(HEADERS) - len(values))
        if all(v is None or str(v).strip() == "" for v in values):
            return
        code = code_of(values[0])
        if not (len(code) == 10 and code.isdigit()):
            message = (
                _("a school code is 10 digits, not “%(code)s”") % {"code": code[:20]}
                if code
                else _("the school code is missing")
            )
            return self.problem(number, 0, message)
        if code in self.seen:
            return self.problem(
                number,
                0,
                _("school %(code)s is listed twice in this sheet (also row %(row)s)")
                % {"code": code, "row": self.seen[code]},
            )
        self.seen[code] = number
        before = self.parent.problems.total
        got = self._parse(number, values)
        district = self._district(number, values[9])
        if self.parent.problems.total > before:
            return
        existing = self.parent.known.get(code)
        if existing is None:
            self._create(number, code, got, district)
        else:
            self._update(number, existing, got, district)

    def _parse(self, number: int, values) -> dict:
        got = {}
        name = str(values[1]).strip() if values[1] is not None else ""
        if name:
            if CONTROL_CHARACTERS.search(name) or len(name) > 100:
                self.problem(number, 1, _("one line of at most 100 characters is expected"))
            else:
                got["name"] = name
        for index, field in enumerate(FIELDS[1:5], start=2):
            raw = str(values[index]).strip() if values[index] is not None else ""
            if not raw:
                continue
            labels = CHOICES[field][1]
            value = labels.get(raw) or (_ALIASES.get(raw) if field == "category" else None)
            if value is None:
                self.problem(
                    number,
                    index,
                    _("“%(text)s” is not allowed: write one of %(allowed)s")
                    % {"text": raw[:20], "allowed": "、".join(labels)},
                )
            else:
                got[field] = value
        places = values[6]
        if places is not None and str(places).strip() != "":
            try:
                number_ = float(str(places).strip())
            except ValueError:
                number_ = -1
            if number_ < 0 or not number_.is_integer() or number_ > 10_000_000:
                self.problem(number, 6, _("a whole number of places, 0 or more, is expected"))
            else:
                got["approved_places"] = int(number_)
        for index, field in ((7, "opened"), (8, "closed")):
            raw = values[index]
            if raw is None or str(raw).strip() == "":
                continue
            if isinstance(raw, datetime.datetime):
                got[field] = raw.date()
            elif isinstance(raw, datetime.date):
                got[field] = raw
            else:
                try:
                    got[field] = datetime.date.fromisoformat(str(raw).strip())
                except ValueError:
                    self.problem(
                        number,
                        index,
                        _("a date yyyy-mm-dd is expected, not “%(text)s”")
                        % {"text": str(raw)[:20]},
                    )
        return got

    def _district(self, number: int, raw) -> District | None:
        name = str(raw).strip() if raw is not None else ""
        if not name:
            return None
        district = self.districts.get(name)
        if district is None:
            self.problem(
                number,
                9,
                _("“%(text)s” is not a district of yours: write one of %(allowed)s")
                % {"text": name[:20], "allowed": "、".join(self.districts)},
            )
        elif self.district is not None and district != self.district:
            self.problem(
                number,
                9,
                _("this workbook is %(district)s's: it cannot hold %(other)s's schools")
                % {"district": self.district.name, "other": district.name},
            )
        return district

    def _check(self, number: int, school: School) -> bool:
        """The rules the database keeps, named: a kindergarten's 普惠 status, the dates."""
        if school.category == "kindergarten":
            expected = (
                ["public"] if school.ownership == "public" else ["inclusive_private", "private"]
            )
            if school.inclusiveness not in expected:
                allowed = "、".join(_LABEL_OF["inclusiveness"][v] for v in expected)
                self.problem(
                    number,
                    3,
                    _("a %(ownership)s kindergarten's 普惠性质 is %(allowed)s")
                    % {"ownership": shown("ownership", school.ownership), "allowed": allowed},
                )
                return False
        if school.opened and school.closed and school.closed <= school.opened:
            self.problem(number, 8, _("the closing date must be after the opening date"))
            return False
        return True

    def _create(self, number: int, code: str, got: dict, district: District | None) -> None:
        missing = [LABELS[f] for f in ("name", "ownership", "category", "locality") if f not in got]
        district = district or self.district
        if district is None:
            missing.append(HEADERS[9])
        if missing:
            self.problem(
                number,
                None,
                _("a new school (code %(code)s) needs %(missing)s")
                % {"code": code, "missing": "、".join(missing)},
            )
            return
        if got["category"] != "kindergarten":
            got.pop("inclusiveness", None)
        school = School(code=code, district=district, **got)
        if self._check(number, school):
            self.new[code] = (number, school)

    def _update(self, number: int, existing: School, got: dict, district) -> None:
        if district is not None and district != existing.district:
            self.problem(
                number,
                9,
                _("%(school)s is %(district)s's: a school does not move district by import")
                % {"school": existing.name, "district": existing.district.name},
            )
            return
        school = copy.copy(existing)
        for name, value in got.items():
            setattr(school, name, value)
        if school.category != "kindergarten":
            school.inclusiveness = ""
        if not self._check(number, school):
            return
        old = {
            f: getattr(existing, f) for f in FIELDS if getattr(existing, f) != getattr(school, f)
        }
        if old:
            new = {f: getattr(school, f) for f in old}
            self.parent.upload.updated.append((school, old, new))
            self._known(school)

    def _known(self, school: School) -> None:
        parent = self.parent
        parent.known[school.code] = school
        if parent._open(school):
            parent.allowed[school.code] = school
        else:
            parent.allowed.pop(school.code, None)

    def finish(self) -> None:
        """The new codes: another district's school is refused by name; the rest are new."""
        if not self.new:
            return
        elsewhere = School.objects.filter(code__in=self.new).select_related("district")
        for school in elsewhere:
            number, _school = self.new.pop(school.code)
            self.problem(
                number,
                0,
                _("%(code)s is %(name)s of %(district)s: you may not import another district's "
                  "school")
                % {"code": school.code, "name": school.name, "district": school.district.name},
            )  # fmt: skip
        for _number, school in self.new.values():
            self.parent.upload.created.append(school)
            self._known(school)


def _json(values: dict) -> dict:
    return {k: shown(k, v) if k not in ("approved_places",) else v for k, v in values.items()}


def save(upload, *, user, channel: str, source: str) -> None:
    """Create and update the directory's schools, each change audited."""
    changes = []
    for school in upload.created:
        school.save()
        new = {f: getattr(school, f) for f in FIELDS if getattr(school, f) not in (None, "")}
        new["district"] = school.district.name
        changes.append(
            SchoolChange(school=school, changed_by=user, channel=channel, action="create",
                         new=_json(new), comment=source[:200])
        )  # fmt: skip
    for school, old, new in upload.updated:
        School.objects.filter(Q(pk=school.pk)).update(**new)
        changes.append(SchoolChange(school=school, changed_by=user, channel=channel,
                                    action="update", old=_json(old), new=_json(new),
                                    comment=source[:200]))  # fmt: skip
    SchoolChange.objects.bulk_create(changes)
