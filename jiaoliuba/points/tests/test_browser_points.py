"""张阿姨 on a 390 px phone sees her points and what expires, redeems a home cleaning and
gets a pickup code; at the venue the community's staff (desktop) type the code and hand it
over; her page then shows it picked up. Screenshots in test-artifacts/screenshots/points-*.png."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.choices import Role
from jiaoliuba.points import services
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import Redemption
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.browser


def sign_in(page: Page, user, live_url: str) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )


def test_resident_redeems_on_a_phone_and_staff_hand_it_over(
    page: Page, new_page, live_url, regions, make_resident, staff, make_staff, screenshot
):
    zhang = make_resident(name="张秀兰")
    secretary = make_staff(Role.COMMUNITY_SECRETARY, JIEFANG)
    services.points_award(
        user=zhang, act=Act.SUGGESTION_ADOPTED, source="elders-room", confirmed_by=secretary
    )
    services.points_award(user=zhang, act=Act.VOLUNTEER_SHIFT, source="flood-watch")
    for name, price in (("家政保洁一次（2 小时）", 50), ("免费健康体检一次", 500)):
        services.store_item_save(
            actor=staff,
            region=regions[JIEFANG],
            name=name,
            partner="巾帼家政服务社",
            price=price,
            stock=3,
        )

    sign_in(page, zhang, live_url)
    page.goto("/points/")
    expect(page.locator("#balance")).to_have_text("70")
    cleaning = page.locator("#store .store-item", has_text="家政保洁")
    check_up = page.locator("#store .store-item", has_text="免费健康体检")
    expect(check_up.locator("button")).to_be_disabled()  # 500 > 70: not offered
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "points-mine-390")
    cleaning.locator("button").click()
    page.wait_for_url("**/points/")
    code = Redemption.objects.get().pickup_code
    expect(page.locator(".msg-success")).to_contain_text(code)
    expect(page.locator("#balance")).to_have_text("20")
    expect(page.locator("#orders .pickup-code")).to_have_text(code)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "points-redeemed-390")

    desk = new_page(desktop=True)
    sign_in(desk, staff, live_url)
    desk.goto("/workbench/points/")
    expect(desk.locator("#open-orders")).to_contain_text("家政保洁")
    desk.fill("#code", code.lower())
    desk.click("#fulfil-form button[type=submit]")
    expect(desk.locator(".msg-success")).to_contain_text("家政保洁")
    expect(desk.locator("#open-orders")).not_to_contain_text("家政保洁")
    screenshot(desk, "points-desk-1280")

    page.reload()
    expect(page.locator("#orders .store-item").first).not_to_contain_text(re.compile(code))
    assert Redemption.objects.get().status == "fulfilled"
