"""Small explicit makers for schools and their statistics."""

import itertools

from schools.models import School, SchoolYearStatistics

_codes = itertools.count(3703000001)


def make_school(district, category="kindergarten", inclusiveness="public", **fields) -> School:
    if category != "kindergarten":
        inclusiveness = ""
    ownership = "public" if inclusiveness in ("public", "") else "private"
    fields.setdefault("ownership", ownership)
    return School.objects.create(
        code=str(next(_codes)),
        name=fields.pop("name", f"学校{district.name}{category}"),
        district=district,
        category=category,
        inclusiveness=inclusiveness,
        locality=fields.pop("locality", "urban"),
        **fields,
    )


def make_statistics(school, school_year, **values) -> SchoolYearStatistics:
    return SchoolYearStatistics.objects.create(school=school, school_year=school_year, **values)
