"""The dashboards in Chromium: figures, plotly charts drawn from the locally served
library, drill-down, the ranking heat grid, the big screen and the printed report."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jiaoliuba.dashboards.tests.scenario import build
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.browser import staff_sign_in as shared_staff_sign_in
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG

pytestmark = pytest.mark.browser

QUERY = "period=month&start=2026-11-01"


def staff_sign_in(page: Page, username: str) -> None:
    shared_staff_sign_in(page, username)  # with the second step where the role needs it


def test_a_street_officer_reads_drills_down_and_prints(
    desktop_page: Page, new_page, live_url, at, submit, staff, residents, screenshot
):
    build(at, submit, staff, residents)
    page = desktop_page
    blocked = []
    page.on("request", lambda r: blocked.append(r.url) if not r.url.startswith(live_url) else None)
    staff_sign_in(page, "street")

    street = Region.objects.get(code=DONGFENG)
    page.goto(f"/dashboards/?region={street.pk}&{QUERY}")
    expect(page.locator('#kpi-table tr[data-kpi="satisfaction_rate"] b')).to_have_text("66.7%")
    expect(page.locator('#kpi-table tr[data-kpi="service_precision"] b')).to_have_text("—")
    expect(page.locator('[data-chart="trend"] .main-svg').first).to_be_visible()
    expect(page.locator('[data-chart="categories"] .main-svg').first).to_be_visible()
    # Chinese dates on the axis (11月2日), not plotly's "Nov 2".
    expect(page.locator('[data-chart="trend"] .xtick text').first).to_have_text("11月1日")
    screenshot(page, "dashboard-overview-street")

    # Drill down into 解放路社区 from the by-area table.
    jiefang = Region.objects.get(code=JIEFANG)
    page.click(f'#children a[href*="region={jiefang.pk}"]')
    expect(page.locator("h1")).to_contain_text(jiefang.name)
    expect(page.locator('#kpi-table tr[data-kpi="received"] b')).to_have_text("8")

    page.goto(f"/dashboards/ranking?region={street.pk}&{QUERY}")
    expect(page.locator("#ranking tbody tr").first).to_contain_text(jiefang.name)
    expect(page.locator('[data-chart="heat"] .main-svg').first).to_be_visible()
    screenshot(page, "dashboard-ranking-heat")

    page.goto(
        f"/dashboards/compare?region={street.pk}&period=custom&start=2026-11-01&end=2026-11-30&baseline_start=2026-11-01&baseline_end=2026-11-15"
    )
    expect(page.locator('#kpi-table tr[data-kpi="received"]')).to_contain_text("+60.0%")
    screenshot(page, "dashboard-compare")

    page.goto(f"/dashboards/report?region={street.pk}&start=2026-11-01")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("h1")).to_contain_text("2026-11")
    screenshot(page, "dashboard-report-print")
    page.emulate_media(media="screen")

    page.goto(f"/dashboards/screen?region={street.pk}&{QUERY}")
    expect(page.locator('.tile[data-kpi="response_rate"] b')).to_have_text("50.0%")
    expect(page.locator('[data-chart="trend"] .main-svg').first).to_be_visible()
    before = page.locator("#screen-updated").text_content()
    # The big screen refreshes itself (every 60 s); trigger the same request now.
    page.evaluate("htmx.trigger('#screen-body', 'every 60s')")
    page.evaluate(
        "htmx.ajax('GET', document.querySelector('#screen-body').getAttribute('hx-get'), '#screen-body')"
    )
    expect(page.locator('.tile[data-kpi="response_rate"] b')).to_have_text("50.0%")
    expect(page.locator('[data-chart="trend"] .main-svg').first).to_be_visible()
    assert before
    screenshot(page, "dashboard-big-screen")

    assert blocked == [], f"requests left the server: {blocked}"


def test_the_dashboard_fits_a_phone(page: Page, live_url, at, submit, staff, residents, screenshot):
    build(at, submit, staff, residents)
    staff_sign_in(page, "secretary")
    page.goto(f"/dashboards/?{QUERY}")
    expect(page.locator('#kpi-table tr[data-kpi="received"] b')).to_have_text("8")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1
    screenshot(page, "dashboard-phone")
