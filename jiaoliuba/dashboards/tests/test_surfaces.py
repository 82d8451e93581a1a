"""The page, the Excel file and the API show the same numbers, inside the same scope."""

import io
import zipfile

import pytest
from django.contrib.staticfiles import finders
from openpyxl import load_workbook

from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import RankingWeight
from jiaoliuba.dashboards.tests.scenario import build
from jiaoliuba.dashboards.tests.test_figures import NOVEMBER_JIEFANG, assert_figures
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import (
    DONGFENG,
    JIANKANG,
    JIEFANG,
    JIEFANG_G1,
    XIYUAN_COMMUNITY,
)

pytestmark = pytest.mark.django_db

QUERY = "period=month&start=2026-11-01"


@pytest.fixture
def story(at, submit, staff, residents):
    return build(at, submit, staff, residents)


def pk(code):
    return Region.objects.get(code=code).pk


def test_api_gives_every_figure_as_computed_by_hand(story, staff, api_client):
    client = api_client(staff["street"])
    body = client.get(f"/api/v1/dashboards/kpis?region={pk(JIEFANG)}&{QUERY}").json()
    got = {f["key"]: f["value"] for f in body["figures"]}
    assert_figures(got, NOVEMBER_JIEFANG)
    shown = {f["key"]: f["shown"] for f in body["figures"]}
    assert shown["service_precision"] == "—" and shown["satisfaction_rate"] == "66.7%"
    assert body["period"] == {
        "kind": "month",
        "start": "2026-11-01",
        "end": "2026-11-30",
        "label": "2026-11",
        "to_date": False,
    }
    assert body["previous_period"]["label"] == "2026-10"
    one = client.get(f"/api/v1/dashboards/kpis/on_time_rate?region={pk(JIEFANG)}&{QUERY}").json()
    assert one["figure"]["value"] == pytest.approx(0.4)
    assert one["figure"]["numerator"] == 2 and one["figure"]["denominator"] == 5


def test_every_figure_endpoint_answers_and_stays_in_scope(story, staff, api_client):
    street = api_client(staff["street"])
    grid = api_client(staff["grid1"])
    for name in (
        "kpis",
        "kpis/received",
        "children",
        "ranking",
        "compare",
        "trend",
        "categories",
        "heat",
        "overdue",
        "sources",
    ):
        ok = street.get(f"/api/v1/dashboards/{name}?region={pk(JIEFANG)}&{QUERY}")
        assert ok.status_code == 200, name
        hidden = grid.get(f"/api/v1/dashboards/{name}?region={pk(JIEFANG)}&{QUERY}")
        assert hidden.status_code == 404, name
        other = street.get(f"/api/v1/dashboards/{name}?region={pk(XIYUAN_COMMUNITY)}&{QUERY}")
        assert other.status_code == 404, name


def test_bad_parameters_get_a_clear_message(story, staff, api_client):
    client = api_client(staff["street"])
    response = client.get("/api/v1/dashboards/kpis?period=custom&start=2026-11-05&end=2026-11-01")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_period" and response.json()["message_en"]
    assert client.get("/api/v1/dashboards/kpis?region=abc").status_code == 400
    assert client.get("/api/v1/dashboards/kpis?category=nonsense").status_code == 400
    assert client.get("/api/v1/dashboards/kpis/nonsense").status_code == 404


def test_page_excel_and_api_agree(story, staff, login_client, api_client):
    web = login_client(staff["street"])
    page = web.get(f"/dashboards/?region={pk(JIEFANG)}&{QUERY}").content.decode()
    api = (
        api_client(staff["street"])
        .get(f"/api/v1/dashboards/kpis?region={pk(JIEFANG)}&{QUERY}")
        .json()
    )
    for figure in api["figures"]:
        assert f'data-kpi="{figure["key"]}"' in page
        assert f"<b>{figure['shown']}</b>" in page, figure["key"]

    response = web.get(f"/dashboards/export/kpis.xlsx?region={pk(JIEFANG)}&{QUERY}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_label = {row[0]: row[1] for row in rows}
    for figure in api["figures"]:
        cell = by_label[figure["label"]]
        if figure["value"] is None:
            assert cell == "—"
        else:
            assert cell == pytest.approx(figure["value"])


def test_appeal_list_export_filters_and_hides_people(story, staff, login_client):
    web = login_client(staff["street"])
    response = web.get(
        f"/dashboards/export/appeals.xlsx?region={pk(JIEFANG)}&{QUERY}&category=property"
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == sorted(story[k].number for k in (5, 7, 8, 9))
    text = str(rows)
    assert "13900000001" not in text and "居民1" not in text
    bad = web.get(f"/dashboards/export/appeals.xlsx?region={pk(JIEFANG)}&{QUERY}&status=nonsense")
    assert bad.status_code == 400


def test_pages_render_for_leaders_and_404_out_of_scope(story, staff, login_client, residents):
    web = login_client(staff["district"])
    for url in (
        "/dashboards/",
        "/dashboards/ranking",
        "/dashboards/compare",
        "/dashboards/screen",
        "/dashboards/report",
    ):
        response = web.get(f"{url}?{QUERY}")
        assert response.status_code == 200, url
    grid = login_client(staff["grid1"])
    assert grid.get(f"/dashboards/?region={pk(JIEFANG)}").status_code == 404
    resident = login_client(residents[0])
    assert resident.get("/dashboards/").status_code == 404
    assert web.get("/dashboards/?period=custom&start=2026-11-05&end=2026-11-01").status_code == 400


def test_ranking_follows_the_administrators_weights(story, staff, api_client):
    client = api_client(staff["street"])
    RankingWeight.objects.all().delete()
    RankingWeight.objects.create(kpi="satisfaction_rate", weight=1)
    body = client.get(f"/api/v1/dashboards/ranking?{QUERY}").json()
    jiefang = next(r for r in body["communities"] if r["region"]["id"] == pk(JIEFANG))
    assert jiefang["score"] == pytest.approx(100 * 2 / 3) and jiefang["rank"] == 1
    empty = next(r for r in body["communities"] if r["region"]["id"] == pk(JIANKANG))
    assert empty["score"] is None and empty["rank"] is None
    assert len(body["communities"]) >= 2
    RankingWeight.objects.create(kpi="repeat_rate", weight=1)
    jiefang = next(
        r
        for r in client.get(f"/api/v1/dashboards/ranking?{QUERY}").json()["communities"]
        if r["region"]["id"] == pk(JIEFANG)
    )
    assert jiefang["score"] == pytest.approx(100 * (2 / 3 + 5 / 6) / 2)


def test_compare_baseline_against_now(story, staff, api_client):
    dashboard_services.rollups_sync()
    body = (
        api_client(staff["street"])
        .get(
            f"/api/v1/dashboards/compare?region={pk(JIEFANG)}&period=custom&start=2026-11-01&end=2026-11-30"
            "&baseline_start=2026-11-01&baseline_end=2026-11-15"
        )
        .json()
    )
    figures = {f["key"]: f for f in body["figures"]}
    # 1–15 Nov: A1, A2, A7 valid; latest ratings satisfied, unsatisfied, satisfied.
    assert figures["satisfaction_rate"]["previous"] == pytest.approx(2 / 3)
    assert figures["received"]["previous"] == 5  # A1, A2, A3, A4, A7
    assert figures["received"]["change_percent"] == pytest.approx((8 - 5) / 5 * 100)
    assert body["baseline"]["start"] == "2026-11-01"


def test_plotly_is_a_static_file_from_the_installed_package():
    # Collected (hashed, precompressed) like any static file; the weight test in
    # test_browser_weight.py checks what the browser receives.
    found = finders.find("vendor/plotly/plotly.min.js")
    assert found and found.endswith("plotly/package_data/plotly.min.js")
    with open(found, "rb") as js:
        assert b"plotly" in js.read(2000).lower()
    assert finders.find("vendor/plotly/widgetbundle.js") is None


def test_no_new_events_means_no_work(story):
    dashboard_services.rollups_sync()
    assert dashboard_services.rollups_sync() == 0


def _text_cells(content: bytes):
    """Every string cell of every sheet, and whether the file holds any formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        has_formula = any(
            b"<f>" in archive.read(n) or b"<f " in archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/")
        )
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows() for c in r]
    return [c for c in cells if isinstance(c.value, str)], has_formula


def test_region_names_that_look_like_formulas_are_exported_as_text(story, staff, login_client):
    evil = {
        JIEFANG: '=HYPERLINK("http://evil.example/x","点击查看")',
        JIEFANG_G1: "+1+cmd|' /C calc'!A0",
        DONGFENG: "@SUM(1,1)",
    }
    for code, name in evil.items():
        Region.objects.filter(code=code).update(name=name)
    web = login_client(staff["district"])
    exports = [
        f"/dashboards/export/appeals.xlsx?region={pk(JIEFANG)}&{QUERY}",
        f"/dashboards/export/kpis.xlsx?region={pk(JIEFANG)}&{QUERY}",
        f"/dashboards/export/kpis.xlsx?region={pk(DONGFENG)}&{QUERY}",
    ]
    seen = set()
    for url in exports:
        response = web.get(url)
        assert response.status_code == 200, url
        cells, has_formula = _text_cells(response.content)
        assert not has_formula, url
        for c in cells:
            assert c.data_type == "s", (url, c.coordinate, c.value)
            if c.value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert c.quotePrefix, (url, c.coordinate, c.value)
        seen |= {c.value for c in cells}
    # the names arrive unchanged, as text (the KPI sheet's title starts with the name)
    assert evil[JIEFANG] in seen and evil[JIEFANG_G1] in seen
    assert any(v.startswith(evil[DONGFENG]) for v in seen)
