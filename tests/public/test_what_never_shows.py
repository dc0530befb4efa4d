"""Nothing but approved figures of published plans and targets reaches the public: a submitted
figure, a returned one and its reason, a note, a withheld target and an unpublished plan appear
on no public page, download or endpoint."""

import json
from decimal import Decimal

import pytest

from public import publication
from public.content import target_key
from targets import figures, standings
from targets.models import Target
from tests.conftest import make_figure
from tests.public.conftest import SECRET_NOTE

pytestmark = pytest.mark.django_db

RETURN_REASON = "分母口径有误，请核对后重报"


def public_urls(plan, targets, districts) -> list[str]:
    root = f"/public/{plan.slug}/"
    urls = [root, f"{root}?lang=en", f"{root}data.csv", f"{root}data.json"]
    urls += [f"{root}targets.{fmt}" for fmt in ("csv", "json")]
    for target in targets:
        key = target_key(target)
        urls += [f"{root}targets/{key}/", f"{root}targets/{key}.csv", f"{root}targets/{key}.json"]
        urls.append(f"/api/public/{plan.slug}/targets/{key}")
    for district in districts:
        urls += [f"{root}districts/{district.slug}/", f"{root}districts/{district.slug}.json"]
        urls.append(f"/api/public/{plan.slug}/districts/{district.slug}")
    return [*urls, f"/api/public/{plan.slug}", f"/api/public/{plan.slug}/data"]


@pytest.fixture
def withheld(plan, city_admin, zhangdian):
    """A target withheld, with an approved figure of its own: its name shows nowhere."""
    target = Target.objects.of_plan(plan).get(indicator="student-fitness-pass-rate")
    figure = make_figure(target, zhangdian, 2024, numerator=Decimal(3), denominator=Decimal(4),
                         state="submitted")  # fmt: skip
    figures.approve([figure], user=city_admin)
    publication.withhold(target, user=city_admin, reason="口径调整中")
    return target


@pytest.fixture
def returned(fitness, zibo_district, city_admin):
    figure = make_figure(fitness, zibo_district, 2024, numerator=Decimal(3), denominator=Decimal(7),
                         state="submitted")  # fmt: skip
    figures.send_back([figure], user=city_admin, reason=RETURN_REASON)
    return figure


@pytest.fixture
def zibo_district(plan):
    from departments.models import District

    return District.objects.get(city=plan.city, slug="boshan")


def test_only_approved_figures_of_published_targets_are_ever_shown(
    client, published, approved, submitted, returned, withheld
):
    from departments.models import District

    shown = [t for t in Target.objects.of_plan(published) if t.pk != withheld.pk]
    districts = list(District.objects.filter(city=published.city))
    texts = []
    for url in public_urls(published, shown, districts):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        if url.endswith("json") or "/api/" in url:
            text += json.dumps(json.loads(text), ensure_ascii=False)
        texts.append((url, text))
    assert any("50.0%" in text for _url, text in texts)  # the approved figure is there
    for url, text in texts:
        for secret in ("77.8", "42.9", SECRET_NOTE, RETURN_REASON, withheld.name,
                       target_key(withheld), "口径调整中", "city-admin"):  # fmt: skip
            assert secret not in text, f"{secret} on {url}"


def test_a_withheld_target_is_not_found(client, published, withheld):
    key = target_key(withheld)
    root = "/public/zibo-2021-2025/"
    for url in (f"{root}targets/{key}/", f"{root}targets/{key}.csv",
                f"/api/public/zibo-2021-2025/targets/{key}"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_an_unpublished_plan_shows_nothing_even_after_it_was_published(
    client, published, approved, city_admin
):
    assert client.get("/public/zibo-2021-2025/").status_code == 200
    publication.unpublish(published, user=city_admin)
    root = "/public/zibo-2021-2025/"
    for url in (root, f"{root}data.csv", "/api/public/zibo-2021-2025",
                f"{root}districts/zhangdian/"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_a_reopened_figure_leaves_the_public_pages(
    client, published, fitness, approved, city_admin
):
    url = f"/public/zibo-2021-2025/targets/{target_key(fitness)}/"
    assert "50.0%" in client.get(url).content.decode()
    figures.reopen(approved, user=city_admin, reason="更正")
    assert "50.0%" not in client.get(url).content.decode()


def test_standings_refresh_moves_the_plans_version(published, fitness):
    from public.models import Publication

    before = Publication.objects.get(plan=published).version
    standings.refresh([fitness.pk])
    assert Publication.objects.get(plan=published).version == before + 1
