"""In a real browser: the community worker creates an approve/oppose/abstain vote in the
console and opens it; a resident on a 390 px phone votes through the form the topic page
includes; a paper sheet from the meeting is entered; the worker closes the vote and
prints the tally sheet. Screenshots in test-artifacts/screenshots/vote-*."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.deliberation.models import Ballot, Vote, VoterRecord
from jiaoliuba.testing.browser import staff_sign_in
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.browser


def sign_in_as(page: Page, live_url: str, user) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_url}])


def test_console_phone_vote_paper_and_tally(
    new_page, live_url, organiser, verified, screenshot, regions
):
    staff = new_page(desktop=True)
    staff_sign_in(staff, organiser.username)
    staff.goto("/workbench/votes/new/")
    staff.fill("input[name=title]", "停车难：夜间错峰停车方案")
    staff.select_option("select[name=scope]", JIEFANG)
    staff.select_option("select[name=kind]", "approval")
    staff.select_option("select[name=eligibility]", "person")
    staff.click("form button.primary")
    staff.wait_for_url("**/workbench/votes/*/")
    staff.click("text=开始投票")
    expect(staff.locator(".messages")).to_contain_text("投票已开始")
    vote = Vote.objects.get(title="停车难：夜间错峰停车方案")

    resident = verified(phone="13844440001")
    phone = new_page()
    sign_in_as(phone, live_url, resident)
    phone.goto(f"/votes/{vote.pk}/")
    expect(phone.locator(".vote-card")).to_contain_text("结束后公布结果")
    phone.check("input[name=choice][value='1']")
    screenshot(phone, "vote-phone-form")
    phone.click(".ballot-form button.primary")
    expect(phone.locator(".messages")).to_contain_text("您的投票已计入")
    expect(phone.locator(".vote-card")).to_contain_text("您已投票")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the vote page scrolls sideways on a phone ({width}px)"

    verified(phone="13844440002")
    staff.fill("input[name=sheet_number]", "会-001")
    staff.fill("input[name=phone]", "13844440002")
    staff.check("form[action$='/do/paper/'] input[name=choice][value='2']")
    staff.click("form[action$='/do/paper/'] button.primary")
    expect(staff.locator(".messages")).to_contain_text("纸质选票已录入")
    staff.click("text=结束并计票")
    expect(staff.locator(".messages")).to_contain_text("投票已结束并完成计票")
    staff.click("text=计票单（打印）")
    expect(staff.locator(".tally-sheet")).to_contain_text("网上 1，纸质 1")
    screenshot(staff, "vote-tally-sheet")
    # The print button works from the static script (no inline onclick under a strict CSP).
    staff.evaluate(
        "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
    )
    staff.click("#print-sheet")
    assert staff.evaluate("window.__printed") == 1
    staff.emulate_media(media="print")
    expect(staff.locator(".topbar")).to_be_hidden()
    assert VoterRecord.objects.filter(vote=vote).count() == 2
    assert Ballot.objects.filter(vote=vote).count() == 2
