"""A resident on a 390 px phone reads everything held about them, then deletes it and is
signed out. Screenshots in test-artifacts/screenshots/privacy-*.png."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.services.intake import Intake, appeal_submit
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.browser


def sign_in(page: Page, user, live_url: str) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )


def test_resident_sees_then_deletes_their_data_on_a_phone(
    page: Page, live_url, regions, make_resident, screenshot
):
    user = make_resident(name="赵桂英", phone="13722223333")
    appeal_submit(
        submitter=user,
        intake=Intake(content="单元门禁坏了，外人随便进出", community=regions[JIEFANG]),
    )
    sign_in(page, user, live_url)
    page.goto("/me/")
    page.locator("#my-data").click()
    page.wait_for_url("**/me/data/")
    expect(page.locator("body")).to_contain_text("单元门禁坏了")
    expect(page.locator("body")).to_contain_text("13722223333")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "privacy-my-data-390")
    page.locator("#erase-start").click()
    page.locator("#erase-confirm").click()  # nothing typed: refused, nothing changed
    expect(page.locator(".errorlist")).to_contain_text("注销")
    page.fill("#id_confirmation", "注销")
    screenshot(page, "privacy-erase-390")
    page.locator("#erase-confirm").click()
    expect(page.locator("h1")).to_have_text("您的数据已删除")
    user.refresh_from_db()
    assert not user.is_active and user.phone == ""
    page.goto("/me/")
    assert "/login/" in page.url
    assert User.objects.filter(pk=user.pk).exists()
