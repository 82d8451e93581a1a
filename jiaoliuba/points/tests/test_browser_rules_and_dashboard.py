"""The points rules page and the dashboard's points section in a real browser, on a
390 px phone and a 1280 px desktop: a city administrator fixes a rule after a refused
value; a street officer reads the rules and the section. Screenshots in
test-artifacts/screenshots/points-rules-*.png and points-dashboard-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from jiaoliuba.accounts.choices import Role
from jiaoliuba.points.models import PointsRule
from jiaoliuba.points.tests.test_browser_points import sign_in
from jiaoliuba.points.tests.test_dashboard_section import november  # noqa: F401 — fixture
from jiaoliuba.testing.browser import SCREENSHOT_DIR
from jiaoliuba.testing.fixtures import CITY, JIEFANG

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
SLOW_MS = 30_000  # the first pages of a live server on a busy shared machine


def test_rules_on_a_desktop_and_a_phone(new_page, live_url, make_staff, november, screenshot):  # noqa: F811
    admin = new_page(desktop=True, viewport=DESKTOP)
    admin.set_default_timeout(SLOW_MS)
    sign_in(admin, make_staff(Role.CITY_ADMIN, CITY), live_url)
    admin.goto("/workbench/points/rules/")
    card = admin.locator("#rule-vote_cast")
    card.locator("input[name=daily_cap]").fill("50")
    card.locator("button[type=submit]").click()
    expect(admin.locator("#rule-vote_cast .field-error")).to_contain_text("不能高于每月上限")
    screenshot(admin, "points-rules-refused-1280")
    admin.locator("#rule-vote_cast input[name=daily_cap]").fill("6")
    admin.locator("#rule-vote_cast button[type=submit]").click()
    expect(admin.locator(".msg-success")).to_contain_text("规则已保存")
    assert PointsRule.objects.get(act="vote_cast").daily_cap == 6
    admin.evaluate("window.scrollTo(0, 0)")
    screenshot(admin, "points-rules-1280")

    phone = new_page()
    phone.set_default_timeout(SLOW_MS)
    sign_in(phone, november["street"], live_url)
    phone.goto("/workbench/points/rules/")
    expect(phone.locator("#read-only")).to_be_visible()
    expect(phone.locator("#rule-vote_cast input[name=daily_cap]")).to_have_value("6")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "points-rules-390")


def test_dashboard_points_section(new_page, live_url, november, regions):  # noqa: F811
    query = f"?region={regions[JIEFANG].pk}&period=month&start=2026-11-01"
    for name, options in (("1280", {"desktop": True, "viewport": DESKTOP}), ("390", {})):
        tab = new_page(**options)
        tab.set_default_timeout(SLOW_MS)
        sign_in(tab, november["street"], live_url)
        tab.goto(f"/dashboards/{query}")
        section = tab.locator("#points-section")
        expect(section.locator("[data-figure=earned] b")).to_have_text("90")
        expect(section.locator("[data-figure=active] b")).to_have_text("2")
        expect(section.locator("#points-honours")).to_contain_text("张阿姨")
        if name == "390":
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        section.screenshot(path=str(SCREENSHOT_DIR / f"points-dashboard-{name}.png"))
