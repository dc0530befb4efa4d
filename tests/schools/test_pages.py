import pytest

from tests.schools.helpers import make_school, make_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(zhangdian, zichuan):
    kg = make_school(zhangdian, "kindergarten", name="张店区实验幼儿园", approved_places=360)
    rural = make_school(zhangdian, "primary", name="张店区乡村小学", locality="rural")
    other = make_school(zichuan, "primary", name="淄川区第一小学")
    make_statistics(kg, 2024, enrolled=300, classes=10, teachers=25)
    make_statistics(kg, 2023, enrolled=280)
    make_statistics(kg, 2022, enrolled=260)
    make_statistics(rural, 2024, enrolled=500, classes=12, teachers=30)
    make_statistics(other, 2024, enrolled=900)
    return {"kg": kg, "rural": rural, "other": other}


def test_district_list_filters_sorts_and_exports(client, schools, staff_zhangdian):
    client.force_login(staff_zhangdian)
    page = client.get("/schools/districts/zhangdian/?year=2024").content.decode()
    assert "张店区实验幼儿园" in page and "张店区乡村小学" in page and "淄川区" not in page
    rural = client.get("/schools/districts/zhangdian/?year=2024&locality=rural").content.decode()
    assert "张店区乡村小学" in rural and "张店区实验幼儿园" not in rural
    by_size = client.get("/schools/districts/zhangdian/?year=2024&sort=-enrolled").content.decode()
    assert by_size.index("张店区乡村小学") < by_size.index("张店区实验幼儿园")
    export = client.get("/schools/districts/zhangdian/?year=2024&_export=csv")
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("学校标识码,学校名称,类别")
    assert f"{schools['kg'].code},张店区实验幼儿园,幼儿园,公办,公办园,城区,360,300,10,25" in text


def test_a_bad_filter_or_sort_is_named(client, schools, staff_zhangdian):
    client.force_login(staff_zhangdian)
    response = client.get("/schools/districts/zhangdian/?category=castle")
    assert response.status_code == 400 and "category" in response.content.decode()
    assert client.get("/schools/districts/zhangdian/?sort=salary").status_code == 400


def test_staff_see_only_their_districts_schools(client, schools, staff_zhangdian):
    client.force_login(staff_zhangdian)
    assert client.get("/schools/districts/zichuan/").status_code == 404
    assert client.get(f"/schools/{schools['other'].code}/").status_code == 404
    assert client.get("/schools/").status_code == 302


def test_school_page_shows_its_statistics_by_school_year(client, schools, department_head):
    client.force_login(department_head)
    page = client.get(f"/schools/{schools['kg'].code}/").content.decode()
    assert "2022学年（2022/23）" in page and "2024学年（2024/25）" in page
    assert "<svg" in page  # the small chart of 在校生数


def test_indicator_page_shows_values_and_the_schools_behind_them(
    client, schools, zhangdian, city_admin
):
    make_statistics(make_school(zhangdian, inclusiveness="private", name="民办园"), 2024,
                    enrolled=100)  # fmt: skip
    client.force_login(city_admin)
    page = client.get("/indicators/kindergarten-public-share/").content.decode()
    assert "75.0%" in page and "Σ 公办园在园幼儿数" in page
    behind = client.get("/indicators/kindergarten-public-share/?district=zhangdian&year=2024")
    text = behind.content.decode()
    assert text.index("张店区实验幼儿园") < text.index("民办园")
    assert client.get("/indicators/no-such-indicator/").status_code == 404


def test_the_district_list_opens_on_the_latest_school_year_with_statistics(
    client, schools, staff_zhangdian
):
    client.force_login(staff_zhangdian)
    page = client.get("/schools/districts/zhangdian/").content.decode()
    assert "2024学年（2024/25）" in page and ">300<" in page


def test_lists_cost_the_same_queries_whatever_the_number_of_schools(
    client, schools, zhangdian, city_admin, django_assert_max_num_queries
):
    for n in range(30):
        make_statistics(make_school(zhangdian, "primary", name=f"加的小学{n}"), 2024, enrolled=n)
    client.force_login(city_admin)
    for url in ("/schools/districts/zhangdian/?year=2024",
                "/indicators/kindergarten-public-share/?district=zhangdian&year=2024",
                "/api/schools/?year=2024", "/api/indicators/?year=2024"):  # fmt: skip
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_the_schools_that_weigh_most_in_a_difference_come_first(client, zhangdian, city_admin):
    big = make_school(zhangdian, inclusiveness="public", name="大园")  # 400/400: 100%
    make_statistics(big, 2024, enrolled=400)
    small = make_school(zhangdian, inclusiveness="private", name="小园")  # 0/100
    make_statistics(small, 2024, enrolled=100)
    mid = make_school(zhangdian, inclusiveness="private", name="中园")  # 0/500
    make_statistics(mid, 2024, enrolled=500)
    client.force_login(city_admin)
    url = "/indicators/kindergarten-public-share/?district=zhangdian&year=2024"
    by_size = client.get(url).content.decode()
    assert by_size.index("中园") < by_size.index("大园") < by_size.index("小园")
    # entered 30%, derived 40%: 大园 adds 400 × (100 − 30) / 1000 = 28, 中园 −15, 小园 −3
    page = client.get(url + "&entered=30").content.decode()
    assert page.index("大园") < page.index("中园") < page.index("小园")
    assert "28.00" in page and "-15.00" in page
    assert client.get(url + "&entered=abc").status_code == 400


def test_school_page_shows_students_by_grade_and_a_mixed_schools_sections(
    client, zhangdian, department_head
):
    from schools.models import GradeEnrolment

    school = make_school(zhangdian, "nine_year", name="张店区九年一贯制学校")
    stats = make_statistics(school, 2025, enrolled=360)
    for grade in range(1, 10):
        GradeEnrolment.objects.create(statistics=stats, grade=grade, students=40)
    client.force_login(department_head)
    page = client.get(f"/schools/{school.code}/").content.decode()
    assert "分年级学生数" in page and "一年级" in page and "九年级（初一）" not in page
    assert "七年级（初一）" in page and "高一" not in page
    # its sections: 小学 240 (6 × 40) and 初中 120 (3 × 40)
    assert page.count('<td class="num">240</td>') == 1
    assert page.count('<td class="num">120</td>') == 1
