import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from schools.models import School, SchoolYearStatistics
from schools.statistics import FIELDS, census_day, school_year_label
from tests.schools.helpers import make_school, make_statistics

pytestmark = pytest.mark.django_db


def test_school_code_must_be_ten_digits(zhangdian):
    school = School(code="37030A0001", name="甲", district=zhangdian, ownership="public",
                    category="primary", locality="urban")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert "code" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.create(code="123", name="乙", district=zhangdian, ownership="public",
                              category="primary", locality="urban")  # fmt: skip


def test_inclusive_status_belongs_to_kindergartens_only(zhangdian):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_school(zhangdian, "kindergarten", inclusiveness="")
    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.create(code="3703000999", name="丙", district=zhangdian,
                              ownership="public", category="primary", inclusiveness="public",
                              locality="urban")  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():  # a private 公办园 is no such thing
        make_school(zhangdian, "kindergarten", inclusiveness="public", ownership="private")
    assert make_school(zhangdian, "kindergarten", inclusiveness="inclusive_private").pk


def test_a_closed_school_stays_in_the_years_it_was_open(zhangdian):
    merged = make_school(zhangdian, "primary", opened=datetime.date(2001, 9, 1),
                         closed=datetime.date(2023, 7, 31))  # fmt: skip
    kept = make_school(zhangdian, "primary")
    merged.merged_into = kept
    merged.save()
    assert set(School.objects.open_in(2022)) == {merged, kept}
    assert set(School.objects.open_in(2023)) == {kept}
    assert list(kept.merged_from.all()) == [merged]


def test_statistics_once_per_school_year(zhangdian):
    school = make_school(zhangdian)
    make_statistics(school, 2024, enrolled=200)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_statistics(school, 2024, enrolled=210)


def test_school_year_is_named_by_the_year_it_starts():
    assert census_day(2025) == datetime.date(2025, 9, 1)
    assert school_year_label(2025) == "2025学年（2025/26）"
    assert school_year_label(2099) == "2099学年（2099/00）"


def test_every_statistics_field_is_a_column_with_unit_and_table():
    columns = {f.name for f in SchoolYearStatistics._meta.get_fields()}
    for field in FIELDS:
        assert field.name in columns
        assert field.unit and field.table and field.header


def test_district_staff_see_their_districts_schools_only(
    zhangdian, zichuan, staff_zhangdian, department_head, city_admin, client
):
    own, other = make_school(zhangdian), make_school(zichuan)
    assert list(School.objects.for_user(staff_zhangdian)) == [own]
    assert set(School.objects.for_user(department_head)) == {own, other}
    assert set(School.objects.for_user(city_admin)) == {own, other}


def test_anonymous_sees_no_school(zhangdian):
    from django.contrib.auth.models import AnonymousUser

    make_school(zhangdian)
    assert not School.objects.for_user(AnonymousUser()).exists()
