"""Progress dashboards on the demo data: statuses, filters, exports, scoping, query counts."""

import io

import pytest
from openpyxl import load_workbook

from targets import demo
from targets.models import Target
from targets.progress import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(plan):
    demo.seed(plan)
    return plan


@pytest.fixture
def admin(client, city_admin):
    client.force_login(city_admin)
    return client


def _rows(response):
    return {row.record.target.code: row.record for row in response.context["table"].rows}


def test_overview_shows_every_target_with_city_status_and_counts(admin, seeded):
    response = admin.get("/progress/?year=2024")
    rows = _rows(response)
    assert len(rows) == 53  # 46 + 7 targets added in issue 9
    fitness = rows["二(一)4-1"]
    assert fitness.progress.status == Status.ON_TRACK
    # 2024 is not complete (approved: the three districts ahead): the latest complete year counts
    assert fitness.value == "49.6%（2023；2024年已报3/11）"
    assert fitness.behind == 5
    assert rows["二(一)8-4"].behind == 0, "a city-reported target has no district to be behind"
    counts = {label: n for _value, label, n in response.context["counts"]}
    assert sum(counts.values()) == 53
    html = response.content.decode()
    assert "规划实施进展（截至2024年）" in html and "<svg" in html


def test_progress_table_rows_render_as_django_tables2_would(admin, department_head, seeded):
    """ProgressTable.body builds the rows in one pass; they must be the cells django-tables2's own
    rendering gives, column for column, sorted and on the department page too."""
    from django.test import Client
    from django.utils.html import conditional_escape

    def expected(table):
        return "\n".join(
            "<tr>"
            + "".join(f"<td>{conditional_escape(row.get_cell(c.name))}</td>" for c in table.columns)
            + "</tr>"
            for row in table.rows
        )

    head = Client()
    head.force_login(department_head)
    bureau = department_head.role.department
    tables = [
        admin.get("/progress/?year=2024&sort=-status").context["table"],
        admin.get("/progress/?year=2024&submitted=1&sort=behind").context["table"],
        *dict(head.get(f"/progress/departments/{bureau.pk}/?year=2024").context["tables"]).values(),
    ]
    for table in tables:
        assert table.body() == expected(table)
    assert "<svg" in tables[0].body() and "status-" in tables[0].body()


def test_submitted_figures_can_be_included_and_are_marked(admin, seeded):
    official = _rows(admin.get("/progress/?year=2024"))["二(二)2-2"]
    provisional = _rows(admin.get("/progress/?year=2024&submitted=1"))["二(二)2-2"]
    assert official.progress.year == 2023
    assert provisional.progress.year == 2023  # 2024 still has drafts in the slow districts
    district = admin.get("/progress/districts/zichuan/?year=2024&submitted=1")
    assert "*" in district.content.decode()


def test_filters_by_status_and_chapter(admin, seeded):
    lagging = _rows(admin.get("/progress/?year=2024&status=lagging"))
    assert lagging and all(r.progress.status == Status.LAGGING for r in lagging.values())
    chapter = seeded.parts.get(code="二(五)")
    rows = _rows(admin.get(f"/progress/?year=2024&chapter={chapter.pk}"))
    assert set(rows) == {f"二(五)3-{n}" for n in range(1, 8)}


def test_sorting_by_status_puts_the_worst_first(admin, seeded):
    rows = list(_rows(admin.get("/progress/?year=2024&sort=status")).values())
    assert rows[0].progress.status == Status.REGRESSING or rows[0].progress.is_behind


def test_csv_and_excel_exports(admin, seeded):
    csv = admin.get("/progress/?year=2024&_export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert "学生体质健康测试优良率" in text and "进展正常" in text
    assert "<svg" not in text
    xlsx = admin.get("/progress/?year=2024&status=lagging&_export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 1 + len(_rows(admin.get("/progress/?year=2024&status=lagging")))


def test_heat_map_cells_link_to_figures(admin, seeded, zhangdian):
    response = admin.get("/progress/heatmap/?year=2024")
    html = response.content.decode()
    assert len(response.context["rows"]) == 53
    assert html.count("/figures/") > 300
    schools = next(row for target, row in response.context["rows"] if target.code == "二(六)2-1")
    assert schools.count('class="status status-part"') == 11
    assert response.context["pages"] is None, "eleven districts fit on one page"


@pytest.mark.parametrize("who", ["city_admin", "department_head", "staff_zhangdian"])
def test_heat_map_queries_do_not_grow_with_districts_or_missing_final_figures(
    client, seeded, who, request, django_assert_max_num_queries
):
    """2025 has 缺最终数据 cells (their figures of the year are looked up, in one query); more
    districts (a second page) change nothing. Session, user, role (and a head's department),
    plan, targets (without their departments), districts, city standings, the districts' cells,
    figures of the year, the header's plan switcher, the districts' own values (分解目标
    marks): no count of districts behind."""
    from departments.models import District

    client.force_login(request.getfixturevalue(who))
    url = "/progress/heatmap/?year=2025"
    with django_assert_max_num_queries(12) as before:
        assert client.get(url).status_code == 200
    District.objects.bulk_create(
        District(city=seeded.city, name=f"新区{n}", slug=f"new-{n}", kind="district", order=100 + n)
        for n in range(45)
    )
    demo.seed(seeded)
    for page in (1, 2):
        with django_assert_max_num_queries(len(before.captured_queries)):
            assert client.get(f"{url}&page={page}").status_code == 200


def test_heat_map_cells_say_what_the_stored_board_says(admin, seeded):
    """The heat map reads the districts' statuses only (standings.stored_cells): each cell must
    show the status, the * of a submitted figure and the link the full stored board gives."""
    import html
    import re
    from collections import Counter

    from departments.models import District
    from targets import standings

    targets = list(Target.objects.of_plan(seeded).for_listing())
    districts = list(District.objects.filter(city=seeded.city))
    cell = re.compile(
        r'<td><a class="status status-(\w+)" href="([^"]+)" title="([^"]+?) · ([^"]+?): [^"]*">'
        r"[^<*]*(\*?)</a>"
    )
    for year, submitted in ((2025, False), (2024, True), (2023, False)):
        query = f"year={year}" + ("&submitted=1" if submitted else "")
        page = admin.get(f"/progress/heatmap/?{query}").content.decode()
        shown = Counter(
            (status, href, html.unescape(district), html.unescape(target), star == "*")
            for status, href, district, target, star in cell.findall(page)
        )
        board = standings.stored_board(
            seeded, year, targets=targets, show=districts, include_submitted=submitted
        )
        expected = Counter()
        for target in targets:
            if target.reported_by != Target.Reporter.DISTRICTS:
                continue
            for district in districts:
                progress = board.cells[(target.pk, district.pk)]
                if progress.status == Status.FINAL_MISSING:
                    href = next(
                        h for s, h, d, t, _p in shown if (d, t) == (district.name, target.name)
                    )
                elif progress.figure_id:
                    href = f"/figures/{progress.figure_id}/"
                else:
                    href = f"/progress/targets/{target.pk}/"
                expected[(progress.status, href, district.name, target.name,
                          progress.provisional)] += 1  # fmt: skip
        assert shown == expected, query
        assert sum(expected.values()) > 400


def test_target_page_has_chart_table_and_ranks(admin, seeded):
    fitness = Target.objects.get(code="二(一)4-1")
    response = admin.get(f"/progress/targets/{fitness.pk}/?year=2024")
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "<title>二(一)4-1 学生体质健康测试优良率</title>" in html
    assert "要求路径" in html and "目标 55%" in html
    assert html.count("<polyline") == 11 + 1 + 1, "a line per district, the city's, the path"
    assert ">各区县</text>" in html
    cells = {d.name: (rank, text) for d, _p, rank, text in response.context["cells"]}
    assert cells["临淄区"][0] == 1
    # approved figures of 2024 are in for the three districts ahead only; the others' latest is
    # of 2023, shown with its year and not ranked against 2024's
    ranked = {name for name, (rank, _text) in cells.items() if rank}
    assert ranked == {"张店区", "临淄区", "高新区"}
    assert cells["淄川区"][0] is None and cells["淄川区"][1].endswith("（2023）")
    assert cells["临淄区"][1].endswith("（2024）")
    assert len(response.context["table"]) == 11
    teachers = Target.objects.get(code="二(一)4-4")  # a milestone every district has met
    response = admin.get(f"/progress/targets/{teachers.pk}/?year=2024")
    ranks = [rank for _d, _p, rank, _t in response.context["cells"]]
    assert ranks == [1] * 11, "equals share the first rank"


def test_district_staff_see_the_city_and_their_own_district(client, staff_zhangdian, seeded):
    from targets.models import Figure

    client.force_login(staff_zhangdian)
    fitness = Target.objects.get(code="二(一)4-1")
    response = client.get(f"/progress/targets/{fitness.pk}/?year=2024")
    assert [d.name for d, *_rest in response.context["cells"]] == ["张店区"]
    assert response.content.decode().count("<polyline") == 3, "张店区, the city, the path"
    assert client.get("/progress/districts/zichuan/").status_code == 404
    district = client.get("/progress/districts/zhangdian/?year=2024")
    ranks = {target.code: rank for target, _p, _t, rank, _c, _w in district.context["rows"]}
    # ranked on 2024's approved figures only: the three districts ahead have them
    figures = Figure.objects.filter(target=fitness, year=2024, state="approved")
    rates = sorted((f.numerator / f.denominator for f in figures), reverse=True)
    mine = figures.get(district__name="张店区")
    assert len(rates) == 3
    assert ranks["二(一)4-1"] == 1 + rates.index(mine.numerator / mine.denominator)


def test_after_the_deadline_every_target_has_a_verdict(admin, seeded):
    """As of 2025 (the plan's last year) no target is on a path any more. The demo's 2025
    figures are approved for six districts only (文昌湖区 has none), so the city's figure of a
    target due in 2025 is missing while 张店区's is judged (54.6% against 55%: 未达成); targets
    due earlier are judged on their own deadline year."""
    rows = _rows(admin.get("/progress/?year=2025"))
    path = {Status.ON_TRACK, Status.ACCELERATE, Status.LAGGING, Status.REGRESSING, Status.DUE}
    assert not [code for code, row in rows.items() if row.progress.status in path]
    assert rows["二(一)4-1"].progress.status == Status.FINAL_MISSING
    counsellors = rows["二(一)4-4"]  # every district done by the end of 2022
    assert counsellors.target.deadline_year == 2022 and counsellors.progress.status == Status.MET
    data = admin.get("/api/progress/?year=2025").json()
    fitness = next(t for t in data["targets"] if t["code"] == "二(一)4-1")
    assert fitness["city"]["status"] == "no_final" and fitness["city"]["final"] is True
    assert fitness["districts"]["zhangdian"]["status"] == "missed"
    assert fitness["districts"]["zhangdian"]["value"] == 54.6
    assert fitness["districts"]["wenchanghu"]["status"] == "no_final"
    assert fitness["city"]["districts_reported"] == [6, 11]  # approved 2025 figures
    assert fitness["districts"]["zhangdian"]["baseline_year"] == 2020
    # the historical view of 2023 still follows the path
    assert _rows(admin.get("/progress/?year=2023"))["二(一)4-1"].progress.status in path


def test_the_city_row_of_a_share_of_districts_is_a_share_of_complete_years(admin, seeded):
    """二(二)1-1: two districts certified in 2023; in 2024 only the three districts ahead have
    approved figures (all certified), so 2024 has no city value yet, not 3/11."""
    certified = Target.objects.get(code="二(二)1-1")
    response = admin.get(f"/progress/targets/{certified.pk}/?year=2024")
    row = dict(zip(response.context["years"], response.context["city_row"], strict=True))
    assert row[2023] == "18.2%（2/11）" and row[2024] == "—"
    assert response.context["city"].year == 2023 and response.context["city"].count == (2, 11)
    html = response.content.decode()
    city_row = next(line for line in html.splitlines() if "18.2%（2/11）" in line)
    assert "是" not in city_row and "否" not in city_row


def test_department_page_separates_led_and_co_operated_targets(client, department_head, seeded):
    health = seeded.city.departments.get(name="市卫生健康委")
    client.force_login(department_head)
    response = client.get(f"/progress/departments/{health.pk}/?year=2024")
    tables = dict(response.context["tables"])
    assert len(tables["led"].rows) == 0
    assert len(tables["co"].rows) == 9  # 二(一)4-7 and 4-8 added in issue 9
    export = client.get(f"/progress/departments/{health.pk}/?year=2024&table=co&_export=csv")
    assert export.content.decode().count("\n") == 10


def test_progress_api_is_scoped(client, staff_zhangdian, seeded):
    assert client.get("/api/progress/").status_code == 401
    client.force_login(staff_zhangdian)
    data = client.get("/api/progress/?year=2024").json()
    fitness = next(t for t in data["targets"] if t["code"] == "二(一)4-1")
    assert list(fitness["districts"]) == ["zhangdian"]
    assert fitness["city"]["status"] == "on_track" and fitness["city"]["year"] == 2023
    assert fitness["city"]["expected"] is not None and fitness["city"]["ratio"] is not None
    assert data["approved_only"] is True


@pytest.mark.parametrize(
    ("url", "ceiling"),
    [  # pages count 1 for the header's plan switcher
        # overview, heat map, department: +1, the districts' own values (分解目标 marks)
        ("/progress/?year=2024", 13),  # no filter asked: the targets are read once
        ("/progress/heatmap/?year=2024", 10),  # statuses only: no departments of the targets
        ("/progress/districts/zhangdian/?year=2024", 10),
        ("/progress/departments/{department}/?year=2024", 12),
        # 1: the plans that follow; 2: its adjustments (规划调整) and decomposition (分解目标)
        ("/progress/targets/{target}/?year=2024", 15),
        ("/api/progress/?year=2024", 9),
    ],
)
def test_dashboards_run_a_constant_number_of_queries(
    admin, seeded, url, ceiling, education_bureau, django_assert_max_num_queries
):
    fitness = Target.objects.get(code="二(一)4-1")
    url = url.format(department=education_bureau.pk, target=fitness.pk)
    with django_assert_max_num_queries(ceiling):
        assert admin.get(url).status_code == 200
    for target in Target.objects.filter(code__in=["二(一)4-1", "二(二)1-2"]):
        target.pk, target.code = None, f"{target.code}-copy"
        target.save()
    demo.seed(seeded)
    with django_assert_max_num_queries(ceiling):
        assert admin.get(url).status_code == 200


def test_stored_standings_equal_the_method_computed_now(seeded):
    """The dashboards read stored standings; they must say what the method says."""
    _assert_stored_as_computed(seeded, years=(2021, 2023, 2024, 2025))


def _assert_stored_as_computed(plan, years):
    from departments.models import District
    from targets import progress, standings

    targets = list(Target.objects.of_plan(plan).for_listing())
    districts = list(District.objects.filter(city=plan.city))
    for year in years:
        for include_submitted in (False, True):
            computed = progress.board(
                plan,
                year,
                targets=targets,
                districts=districts,
                include_submitted=include_submitted,
            )
            stored = standings.stored_board(
                plan,
                year,
                targets=targets,
                show=districts,
                include_submitted=include_submitted,
            )
            counted = standings.stored_board(
                plan,
                year,
                targets=targets,
                visible=districts,  # counted in the database, not read off the city rows
                show=[],
                include_submitted=include_submitted,
            )
            for target in targets:
                assert stored.city[target.pk].status == computed.city[target.pk].status, target.code
                assert stored.city[target.pk].count == computed.city[target.pk].count, target.code
                assert _essentials(stored.city[target.pk]) == _essentials(
                    computed.city[target.pk]
                ), target.code
                assert stored.behind_count(target) == computed.behind_count(target), target.code
                assert counted.behind_count(target) == computed.behind_count(target), target.code
                for district in districts:
                    key = (target.pk, district.pk)
                    assert _essentials(stored.cells[key]) == _essentials(computed.cells[key]), (
                        target.code,
                        district.name,
                    )


def _essentials(progress):
    """What a stored standing keeps of a Progress (numbers to the six places stored)."""
    value = None if progress.value is None else round(progress.value, 6)
    fields = (progress.status, progress.year, progress.count, progress.provisional)
    verdict = (progress.final, progress.baseline_year, progress.years_met, progress.reported)
    baseline = None if progress.baseline is None else round(progress.baseline, 6)
    return (*fields, progress.figure_id, value, *verdict, baseline)


def test_saving_a_figure_refreshes_its_standing(client, staff_zhangdian, seeded, zhangdian):
    from targets.models import Figure, Standing

    fitness = Target.objects.get(code="二(一)4-1")
    figure = Figure.objects.get(target=fitness, district=zhangdian, year=2024)
    Figure.objects.filter(pk=figure.pk).update(state="draft")
    client.force_login(staff_zhangdian)
    client.post(
        "/entry/zhangdian/2024/",
        {
            f"t{fitness.pk}-numerator": "100",
            f"t{fitness.pk}-denominator": "1000",
            f"t{fitness.pk}-note": "重新统计",
            f"t{fitness.pk}-version": figure.version,
            "action": "submit",
        },
    )
    standing = Standing.objects.get(
        target=fitness, district=zhangdian, as_of=2024, approved_only=False
    )
    assert standing.status == "regressing" and standing.value == 10


def test_a_save_rewrites_only_its_districts_and_the_citys_standings(
    client, staff_zhangdian, department_head, seeded, zhangdian
):
    """At national size a full refresh per save takes seconds: a save rewrites its own
    district's rows and the city's, and the result is what a full recomputation gives."""
    from targets.models import Figure, Standing

    others = set(
        Standing.objects.exclude(district=zhangdian)
        .exclude(district=None)
        .values_list("pk", flat=True)
    )
    total = Standing.objects.count()
    fitness = Target.objects.get(code="二(一)4-1")
    schools = Target.objects.get(code="二(六)2-1")  # a city-wide count the districts add to
    drafts = Figure.objects.filter(district=zhangdian, year=2024, target__in=[fitness, schools])
    drafts.update(state="draft")
    client.force_login(staff_zhangdian)
    versions = dict(drafts.values_list("target_id", "version"))
    response = client.post(
        "/entry/zhangdian/2024/",
        {
            f"t{fitness.pk}-numerator": "100",
            f"t{fitness.pk}-denominator": "1000",
            f"t{fitness.pk}-note": "重新统计",
            f"t{fitness.pk}-version": versions[fitness.pk],
            f"t{schools.pk}-value": "9",
            f"t{schools.pk}-note": "新增国际化学校",
            f"t{schools.pk}-version": versions[schools.pk],
            "action": "submit",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    client.force_login(department_head)
    for figure in drafts.all():
        client.post(f"/figures/{figure.pk}/", {"action": "approve", "version": figure.version})
    assert set(drafts.values_list("state", flat=True)) == {"approved"}
    assert Standing.objects.count() == total
    assert others <= set(Standing.objects.values_list("pk", flat=True)), "others untouched"
    _assert_stored_as_computed(seeded, years=seeded.years)


def test_refresh_standings_command_rebuilds_them(seeded):
    from io import StringIO

    from django.core.management import call_command

    from targets.models import Standing

    count = Standing.objects.count()
    Standing.objects.all().delete()
    out = StringIO()
    call_command("refresh_standings", stdout=out)
    assert Standing.objects.count() == count == 53 * 12 * 6 * 2
    assert out.getvalue().startswith(f"zibo-2021-2025: {count} standings")


def test_editing_a_target_in_the_admin_judges_its_figures_anew(client, city_admin, seeded):
    from targets.models import Standing

    fitness = Target.objects.get(code="二(一)4-1")
    city = Standing.objects.filter(target=fitness, district=None, as_of=2024, approved_only=True)
    assert city.get().status == Status.ON_TRACK
    # A plan not issued yet (an issued one's value changes only by a 规划调整: test_goals.py).
    type(seeded).objects.filter(pk=seeded.pk).update(issued_on=None)
    client.force_login(city_admin)
    url = f"/admin/targets/target/{fitness.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    data["value"] = "45"  # a goal the city has passed already
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert city.get().status == Status.MET


def test_saves_through_the_entry_form_keep_the_stored_city_equal_to_the_method(
    client, department_head, seeded, zhangdian
):
    """A save refreshes its district's rows from its figures and the city's from totals and
    counts taken in the database (rules each district must meet: from the districts' stored
    rows). At a modest size, after saves of every kind of target in several districts and years,
    drafts, submissions and approvals, what is stored is what the method computes afresh."""
    from departments.models import District, Role
    from targets import standings
    from targets.models import Figure
    from tests.conftest import make_user

    copies = []
    extra = []
    for n in range(6):
        district = District.objects.create(
            city=seeded.city, name=f"测试区{n}", slug=f"test-{n}", kind="district", order=90 + n
        )
        extra.append(district)
        for figure in Figure.objects.filter(district=zhangdian):
            figure.pk, figure.district = None, district
            copies.append(figure)
    Figure.objects.bulk_create(copies)
    standings.refresh_plan(seeded)

    def fill(target, n):
        if target.entry == Target.Entry.FRACTION:
            return {"numerator": str(300 + 90 * (n % 7)), "denominator": "1000"}
        if target.entry in (Target.Entry.WHOLE, Target.Entry.AMOUNT):
            return {"value": str(2 + 3 * n)}
        if target.entry == Target.Entry.YES_NO:
            return {"achieved": "yes" if n % 2 else "no"}
        return {"achieved": "yes", "achieved_on": "2024-06-30"} if n % 2 else {"achieved": "no"}

    targets = list(Target.objects.of_plan(seeded).filter(reported_by="districts"))
    for n, (district, year) in enumerate(
        [(zhangdian, 2025), (extra[0], 2025), (extra[1], 2024), (extra[2], 2025)]
    ):
        Figure.objects.filter(district=district, year=year).update(state="draft")
        versions = dict(
            Figure.objects.filter(district=district, year=year).values_list("target_id", "version")
        )
        staff = make_user(f"staff-{district.slug}", Role.Kind.DISTRICT_STAFF, district=district)
        client.force_login(staff)
        data = {"action": "submit"}
        for i, target in enumerate(targets):
            for name, value in fill(target, n + i).items():
                data[f"t{target.pk}-{name}"] = value
            data[f"t{target.pk}-note"] = "重新统计"
            if target.pk in versions:
                data[f"t{target.pk}-version"] = versions[target.pk]
        response = client.post(f"/entry/{district.slug}/{year}/", data)
        assert response.status_code == 302, response.content.decode()[-2000:]
        if n % 2:
            client.force_login(department_head)
            for figure in Figure.objects.filter(district=district, year=year, state="submitted"):
                figure_url = f"/figures/{figure.pk}/"
                client.post(figure_url, {"action": "approve", "version": figure.version})
    assert Figure.objects.filter(state="submitted").exists()
    _assert_stored_as_computed(seeded, years=seeded.years)


def test_district_page_gives_every_value_its_year(admin, seeded):
    """文昌湖区 reported nothing for 2025 (and 2024 is still a draft): beside 缺最终数据 stands its
    latest approved figure, 2023's, and says so."""
    response = admin.get("/progress/districts/wenchanghu/?year=2025")
    rows = {
        target.code: (progress, text)
        for target, progress, text, _r, _c, _w in response.context["rows"]
    }
    progress, text = rows["二(一)4-2"]
    assert progress.status == Status.FINAL_MISSING
    assert text == "85.2%（2023）"
    assert all(text == "—" or text.endswith(f"（{p.year}）") for p, text in rows.values())
    zhangdian = admin.get("/progress/districts/zhangdian/?year=2025").context["rows"]
    fitness = next(text for target, _p, text, _r, _c, _w in zhangdian if target.code == "二(一)4-1")
    assert fitness == "54.6%（2025）"  # as on the target page


def test_overview_values_carry_their_year_beside_the_status(admin, seeded):
    rows = _rows(admin.get("/progress/?year=2023"))
    assert rows["二(一)4-1"].value == "49.6%（2023）"


def test_heat_map_legend_lists_only_the_statuses_the_year_can_show(admin, seeded):
    """2025 is every target's deadline year: verdicts only, never a path status such as 进展正常."""
    import re

    final = admin.get("/progress/heatmap/?year=2025")
    legend = [value for value, _short, _label in final.context["legend"]]
    assert legend == [
        Status.MISSED, Status.FINAL_MISSING, Status.MET, Status.PART, Status.NO_DATA
    ]  # fmt: skip
    shown = set(re.findall(r'class="status status-(\w+)"', final.content.decode()))
    assert shown <= set(legend), shown - set(legend)
    earlier = [
        value for value, _s, _l in admin.get("/progress/heatmap/?year=2023").context["legend"]
    ]
    assert Status.ON_TRACK in earlier and Status.LAGGING in earlier
    assert Status.FINAL_MISSING not in earlier and Status.MISSED not in earlier


def test_district_staff_see_their_rank_among_every_district_and_no_other_districts_value(
    client, admin, staff_zhangdian, seeded
):
    """The issue's case: /progress/targets/2/ said 排名 1 to staff-zhangdian (ranked among the
    one district they see) where the city admin saw 5."""
    target = Target.objects.get(pk=2)
    cells = admin.get("/progress/targets/2/").context["cells"]
    as_admin = {d.name: rank for d, _p, rank, _t in cells}
    assert as_admin["张店区"] not in (None, 1), "the demo places 张店区 below first"
    client.force_login(staff_zhangdian)
    response = client.get("/progress/targets/2/")
    assert [(d.name, rank) for d, _p, rank, _t in response.context["cells"]] == [
        ("张店区", as_admin["张店区"])
    ]
    page = response.content.decode()
    assert "淄川区" not in page and "在11个区县中排名" in page
    assert target.code in page
