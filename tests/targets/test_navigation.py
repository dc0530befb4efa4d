"""Getting from page to page: a target to its task and chapter, a task's targets to their progress,
a heat-map cell to the figure of the year shown, and "发督办单" with the facts filled in, offered
only to whoever issues notices."""

import io
import re

import pytest
from django.core.management import call_command

from targets import demo
from targets.models import Figure, Target
from targets.progress import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(plan):
    demo.seed(plan)
    return plan


def _fitness_target(plan) -> Target:
    return Target.objects.of_plan(plan).select_related("task__part").get(code="二(一)4-1")


def test_the_target_page_links_to_its_task_and_chapter(client, city_admin, seeded):
    target = _fitness_target(seeded)
    client.force_login(city_admin)
    page = client.get(f"/progress/targets/{target.pk}/").content.decode()
    assert f'href="{target.task.get_absolute_url()}#{target.anchor}"' in page
    assert f'href="{seeded.get_absolute_url()}#part-{target.task.part.order}"' in page


def test_the_task_page_links_each_target_to_its_progress(client, city_admin, seeded):
    target = _fitness_target(seeded)
    client.force_login(city_admin)
    page = client.get(target.task.get_absolute_url()).content.decode()
    assert f'href="/progress/targets/{target.pk}/?plan={seeded.slug}"' in page
    assert client.get(f"/progress/targets/{target.pk}/?plan={seeded.slug}").status_code == 200


def test_the_task_page_links_only_the_progress_a_reader_may_open(client, head_sports, seeded):
    """A department head opens the progress of their department's tasks only: another task's
    targets are listed without a link that would answer 404; anonymous readers get no link."""
    theirs = Target.objects.of_plan(seeded).involving(head_sports.role.department).first()
    other = (
        Target.objects.of_plan(seeded)
        .exclude(task__assignments__department=head_sports.role.department)
        .select_related("task__part__plan")
        .first()
    )
    client.force_login(head_sports)
    page = client.get(other.task.get_absolute_url()).content.decode()
    assert f"/progress/targets/{other.pk}/" not in page and other.code in page
    assert client.get(f"/progress/targets/{other.pk}/?plan={seeded.slug}").status_code == 404
    page = client.get(theirs.task.get_absolute_url()).content.decode()
    assert f"/progress/targets/{theirs.pk}/" in page
    client.logout()
    page = client.get(theirs.task.get_absolute_url()).content.decode()
    assert f"/progress/targets/{theirs.pk}/" not in page


def _cells(html: str) -> list[tuple[str, str, str]]:
    """(status, href, title) of every heat-map district cell (titled "district · target")."""
    cells = re.findall(r'<td><a class="status status-(\w+)" href="([^"]+)" title="([^"]+)"', html)
    return [cell for cell in cells if " · " in cell[2]]


def test_a_missing_final_figure_cell_opens_the_year_shown(client, city_admin, seeded):
    client.force_login(city_admin)
    html = client.get("/progress/heatmap/?year=2025").content.decode()
    missing = [(href, title) for status, href, title in _cells(html) if status == "no_final"]
    assert missing, "the demo's 沂源县, 高青县 and 文昌湖区 owe final figures"
    for href, title in missing:
        if found := re.fullmatch(r"/figures/(\d+)/", href):
            assert Figure.objects.get(pk=found[1]).year == 2025, (title, href)
        else:
            assert re.fullmatch(r"/entry/[\w-]+/2025/#[\w-]+", href), (title, href)
    assert any(href.startswith("/entry/wenchanghu/2025/") for href, _t in missing)


def test_district_staff_reach_their_entry_page_from_a_missing_final_cell(
    client, staff_zhangdian, seeded, zhangdian
):
    target = Target.objects.of_plan(seeded).filter(reported_by="districts").first()
    Figure.objects.filter(target=target, district=zhangdian, year=2025).delete()
    call_command("refresh_standings", stdout=io.StringIO())
    client.force_login(staff_zhangdian)
    html = client.get("/progress/heatmap/?year=2025").content.decode()
    cells = [(s, h) for s, h, title in _cells(html) if target.name in title and s == "no_final"]
    assert cells == [("no_final", f"/entry/zhangdian/2025/#{target.anchor}")]


def _notice_links(html: str) -> list[str]:
    return re.findall(r'href="(/notices/new/\?[^"]+)"', html)


def test_the_target_district_and_heat_map_pages_offer_a_notice(
    client, city_admin, seeded, zhangdian
):
    target = _fitness_target(seeded)
    client.force_login(city_admin)
    expected = (
        f"/notices/new/?target={target.pk}&amp;district={zhangdian.pk}&amp;plan={seeded.slug}"
    )
    target_page = client.get(f"/progress/targets/{target.pk}/").content.decode()
    assert expected in _notice_links(target_page)
    district_page = client.get("/progress/districts/zhangdian/").content.decode()
    assert expected in _notice_links(district_page)
    assert expected in _notice_links(client.get("/districts/zhangdian/").content.decode())
    heatmap = client.get("/progress/heatmap/?year=2025").content.decode()
    chased = [
        s for s, _h, _t in _cells(heatmap) if Status(s) in (Status.MISSED, Status.FINAL_MISSING)
    ]
    assert len(_notice_links(heatmap)) == len(chased) > 0
    form = client.get(expected.replace("&amp;", "&"))
    assert form.status_code == 200
    assert form.context["form"].initial["target"] == target
    assert form.context["form"].initial["district"] == zhangdian
    assert "张店区" in form.context["form"].initial["facts"]


@pytest.mark.parametrize("who", ["staff_zhangdian", "department_head", "province"])
def test_only_who_issues_notices_is_offered_one(client, request, seeded, who):
    target = _fitness_target(seeded)
    client.force_login(request.getfixturevalue(who))
    pages = (
        f"/progress/targets/{target.pk}/",
        "/progress/heatmap/?year=2025",
        "/districts/zhangdian/",
    )
    for url in pages:
        assert not _notice_links(client.get(url).content.decode()), url


def test_no_notice_is_offered_in_an_ended_plan(client, city_admin, seeded):
    import datetime

    seeded.closed_on = datetime.date(2026, 1, 1)
    seeded.save()
    target = _fitness_target(seeded)
    client.force_login(city_admin)
    assert not _notice_links(client.get(f"/progress/targets/{target.pk}/").content.decode())
