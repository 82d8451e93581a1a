"""The dashboard's 议事 section in Chromium, on a phone (390 px) and a desktop (1280 px):
the figures worked out in test_dashboard_section.py, readable without the page
scrolling sideways, and the drill-down into a community."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jiaoliuba.deliberation.tests.test_dashboard_section import at, story  # noqa: F401
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.browser import save_screenshot, staff_sign_in
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG

pytestmark = pytest.mark.browser


def sign_in(page: Page, username: str) -> None:
    staff_sign_in(page, username)  # the password, then the authenticator's code


@pytest.mark.parametrize("width", [390, 1280])
def test_the_section_on_phone_and_desktop(new_page, live_url, story, width):  # noqa: F811
    page = new_page(desktop=width > 800, viewport={"width": width, "height": 900})
    sign_in(page, "sec-street")
    street = Region.objects.get(code=DONGFENG)
    page.goto(f"/dashboards/?region={street.pk}&period=month&start=2026-11-01")
    section = page.locator("#section-deliberation")
    expect(section.locator("h2")).to_have_text("议事")
    expect(section.locator('tr[data-line="topics"] b')).to_have_text("4")
    expect(section.locator('tr[data-line="meetings"] b')).to_have_text("2")
    expect(section.locator('tr[data-line="milestone_on_time_rate"] b')).to_have_text("50.0%")
    expect(section.locator('tr[data-line="milestone_on_time_rate"]')).to_contain_text("2/4")
    expect(section.locator('tr[data-line="topics"]')).to_contain_text("+300.0%")
    # The page itself never scrolls sideways; wide tables scroll inside their card.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot = save_screenshot(page, f"dashboard-deliberation-{width}")  # the whole page
    section.screenshot(path=str(shot.with_name(f"{shot.stem}-section.png")))

    jiefang = Region.objects.get(code=JIEFANG)
    section.locator(f'.section-areas a[href*="region={jiefang.pk}"]').click()
    expect(page.locator("h1")).to_contain_text(jiefang.name)
    expect(page.locator('#section-deliberation tr[data-line="topics"] b')).to_have_text("3")
