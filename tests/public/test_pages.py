import json

import pytest

from targets import figures

pytestmark = pytest.mark.django_db

ROOT = "/public/zibo-2021-2025/"


def test_unpublished_plan_is_not_found_anywhere(client, plan):
    for url in (ROOT, f"{ROOT}data.json", f"{ROOT}targets.csv", "/api/public/zibo-2021-2025"):
        assert client.get(url).status_code == 404, url


def test_target_page_shows_approved_figure_with_its_year_and_status(
    client, published, fitness, approved
):
    from public.content import target_key

    page = client.get(f"{ROOT}targets/{target_key(fitness)}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "50.0%" in text and "2024" in text
    assert fitness.source_sentence in text
    assert 'class="status status-' in text
    assert "<svg" in text
    assert "数据更新于" in text


def test_approved_figure_appears_once_approved(client, published, fitness, approved, submitted,
                                               city_admin):  # fmt: skip
    from public.content import target_key

    url = f"{ROOT}targets/{target_key(fitness)}/"
    assert "77.8%" not in client.get(url).content.decode()  # and now it is cached
    figures.approve([submitted], user=city_admin)
    assert "77.8%" in client.get(url).content.decode()


def test_public_pages_set_no_cookie_and_do_not_vary_on_it(client, published, approved):
    for url in (ROOT, f"{ROOT}districts/zhangdian/", f"{ROOT}data.csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url
        assert response["Cache-Control"].startswith("public")


def test_english_is_asked_for_in_the_url(client, published, approved):
    english = client.get(f"{ROOT}?lang=en")
    assert english["Content-Language"] == "en"
    assert "Data updated on" in english.content.decode()
    assert 'lang="zh-hans"' in client.get(ROOT).content.decode()


def test_post_is_refused(client, published):
    assert client.post(ROOT).status_code == 405
    assert client.post(f"{ROOT}data.json").status_code == 405


def test_csv_has_a_bom_and_data_csv_a_licence_and_data_date(client, published, approved):
    table = client.get(f"{ROOT}targets.csv")
    assert table.content.startswith("\ufeff".encode())
    assert table["Content-Type"] == "text/csv; charset=utf-8"
    data = client.get(f"{ROOT}data.csv").content.decode("utf-8-sig").splitlines()
    assert data[0].startswith("# 许可") or data[0].startswith("# licence")
    assert "2024" in data[1]
    assert any("zhangdian" in line and "50.00" in line for line in data)


def test_data_json_holds_every_approved_value_with_licence(client, published, fitness, approved):
    data = json.loads(client.get(f"{ROOT}data.json").content)
    assert data["licence"].startswith("CC BY")
    assert data["as_of"] == 2024
    rows = [r for r in data["rows"] if r["district"] == "zhangdian" and r["name"] == fitness.name]
    assert rows == [{**rows[0], "year": 2024, "value": "50.00"}]


def test_api_answers_as_the_page_without_authentication(client, published, approved):
    api = client.get("/api/public/zibo-2021-2025", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert api.status_code == 200
    page = client.get(f"{ROOT}targets.json")
    assert json.loads(api.content) == json.loads(page.content)


def test_api_is_in_the_openapi_schema(client):
    paths = json.loads(client.get("/api/openapi.json").content)["paths"]
    assert "/api/public/{plan}" in paths
    assert "/api/public/{plan}/targets/{key}" in paths
    assert "/api/public/{plan}/data" in paths


def test_unknown_target_or_district_is_not_found(client, published):
    assert client.get(f"{ROOT}targets/no-such-indicator/").status_code == 404
    assert client.get(f"{ROOT}districts/nowhere/").status_code == 404


def test_too_many_requests_from_one_address_are_refused_for_a_minute(client, published, settings):
    settings.ZIBO_PUBLIC_RATE_PER_MINUTE = 3
    answers = [client.get(ROOT).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    other = client.get(ROOT, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # another address is not affected


def test_pages_cannot_be_framed_unless_a_site_is_allowed(client, published, settings):
    response = client.get(ROOT)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    settings.ZIBO_PUBLIC_FRAME_ANCESTORS = ["https://www.zibo.gov.cn"]
    response = client.get(f"{ROOT}?lang=en")
    assert "frame-ancestors https://www.zibo.gov.cn" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_a_year_still_under_review_is_not_shown(client, published, fitness, zhangdian, zichuan,
                                                 city_admin):  # fmt: skip
    from decimal import Decimal

    from tests.conftest import make_figure

    final = make_figure(fitness, zhangdian, 2023, numerator=Decimal(1), denominator=Decimal(4),
                        state="submitted")  # fmt: skip
    this_year = make_figure(fitness, zhangdian, 2024, numerator=Decimal(1), denominator=Decimal(3),
                            state="submitted")  # fmt: skip
    figures.approve([final, this_year], user=city_admin)
    make_figure(fitness, zichuan, 2024, numerator=Decimal(1), denominator=Decimal(2),
                state="submitted")  # 2024 is still under review  # fmt: skip
    data = json.loads(client.get(f"{ROOT}data.json").content)
    assert data["as_of"] == 2023
    assert {r["year"] for r in data["rows"]} == {2023}
    assert "33.3%" not in client.get(f"{ROOT}districts/zhangdian/").content.decode()


def test_the_method_in_full_where_the_target_has_an_indicator_card(client, published, plan):
    """口径: the card's definition, formula, source, school year, census day and document."""
    from schools import indicators

    card = indicators.get("kindergarten-public-share")
    url = f"{ROOT}targets/kindergarten-public-share/"
    text = client.get(url).content.decode()
    for said in (card.definition, card.formula, card.document, "统计时点", card.census_day,
                 "学年", "统计口径"):  # fmt: skip
        assert said in text, said
    method = client.get(f"{ROOT}targets/kindergarten-public-share.json").json()["target"]["method"]
    assert method["formula"] == card.formula and method["year_basis"] == "school_year"
    assert method["census_day"] == card.census_day and method["document"] == card.document
    api = client.get("/api/public/zibo-2021-2025/targets/kindergarten-public-share").json()
    assert api["target"]["method"]["formula"] == card.formula  # the API says the same
    english = client.get(f"{url}?lang=en").content.decode()
    assert "Census day" in english and "School year" in english


def test_a_target_without_a_card_keeps_its_numerator_and_denominator(client, published, fitness):
    from public.content import target_key

    page = client.get(f"{ROOT}targets/{target_key(fitness)}.json").json()["target"]
    assert page["method"] is None
    assert page["definition"] == f"{fitness.numerator_label} / {fitness.denominator_label}"
    assert (
        page["definition"] in client.get(f"{ROOT}targets/{target_key(fitness)}/").content.decode()
    )


@pytest.mark.parametrize("path", ["", "targets/student-fitness-good-rate/"])
def test_the_print_view_is_a_document_without_navigation(client, published, approved, path):
    screen = client.get(f"{ROOT}{path}").content.decode()
    assert "?print=1" in screen and 'class="skip-link"' in screen
    printed = client.get(f"{ROOT}{path}?print=1").content.decode()
    assert 'class="public print-view"' in printed
    assert 'class="skip-link"' not in printed and 'class="lang"' not in printed
    assert "data.csv" not in printed and "?print=1" not in printed  # no links to elsewhere
    assert "<table" in printed and "数据更新于" in printed and "CC BY 4.0" in printed
    assert published.title in printed
    assert f'<p class="print-source">{published.city.name} · 政务公开</p>' in printed
    english = client.get(f"{ROOT}{path}?lang=en&print=1").content.decode()
    assert 'lang="en"' in english and "print-view" in english
