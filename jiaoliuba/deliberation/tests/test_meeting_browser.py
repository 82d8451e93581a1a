"""In a real browser, the seed's 物业费调价 case as the demo loads it: the worker's desktop
workbench (parties of the five sides, three rounds, the QR), the resident on a 390 px
phone (the meeting, the resolution, rating the outcome), the public notice page signed
out, and the worker closing the matter with its result. Then a new meeting scheduled
through the form and a resident checking in by the QR link. Screenshots in
test-artifacts/screenshots/meeting-*."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_by_phone
from jiaoliuba.deliberation.meetings import services
from jiaoliuba.deliberation.meetings.demo import TITLE, load_meetings_demo
from jiaoliuba.deliberation.models import Meeting
from jiaoliuba.deliberation.voting.demo import load_vote_demo
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.browser


def sign_in_as(page: Page, live_url: str, user) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}]
    )


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width}px)"


def test_seed_case_walked_on_phone_and_desktop(new_page, live_url, demo_people, screenshot):
    load_vote_demo()
    load_meetings_demo()
    meeting = Meeting.objects.get(title=TITLE)
    resolution = meeting.resolutions.get()
    worker = User.objects.get(username="community_staff")
    resident = user_by_phone(phone="13800000001")

    desk = new_page(desktop=True)
    # The first page after the whole case is loaded warms the server up; on a shared,
    # loaded machine that can take longer than the suite's 10 s.
    desk.set_default_navigation_timeout(30_000)
    sign_in_as(desk, live_url, worker)
    desk.goto("/workbench/meetings/")
    desk.click(f"a[href='/meetings/{meeting.pk}/']")
    expect(desk.locator("#parties li")).to_have_count(meeting.parties.count())
    expect(desk.locator("#parties")).to_contain_text("宏达物业服务有限公司")
    expect(desk.locator("#parties")).to_contain_text("会计师")
    expect(desk.locator(".round")).to_have_count(3)
    expect(desk.locator("#qr")).to_have_count(0)  # concluded: no more check-in
    screenshot(desk, "meeting-workbench-desktop")
    desk.goto(f"/appeals/{meeting.appeal_id}/")
    expect(desk.locator("#appeal-topics")).to_contain_text(TITLE)

    phone = new_page()
    sign_in_as(phone, live_url, resident)
    phone.goto("/meetings/")
    phone.click(f"a[href='/meetings/{meeting.pk}/']")
    expect(phone.locator("#checked-in")).to_be_visible()
    expect(phone.locator(".round")).to_have_count(3)
    _fits(phone)
    screenshot(phone, "meeting-phone")
    phone.click(f"a[href='/resolutions/{resolution.pk}/']")
    expect(phone.locator("#resolution-text")).to_contain_text("1.32元/㎡")
    expect(phone.locator("#checks li")).to_have_count(2)
    phone.check("input[name=level][value=satisfied]")
    phone.check("input[name=solved]")
    screenshot(phone, "meeting-resolution-phone")
    phone.click("#do-rate")
    expect(phone.locator("#rating-summary")).to_contain_text("6")
    _fits(phone)

    public = new_page()
    public.goto(f"/public/{JIEFANG}/resolutions/")
    expect(public.locator(f"#notice-{resolution.pk}")).to_contain_text("1.32元/㎡")
    _fits(public)
    screenshot(public, "meeting-public-notice-phone")

    desk.goto(f"/resolutions/{resolution.pk}/")
    desk.click("#do-close")  # empty: refused, nothing changes
    expect(desk.locator(".messages")).to_be_visible()
    desk.fill(
        "#close-form textarea[name=result]", "物业费按10%调整，服务承诺落实，业主满意度提升。"
    )
    desk.click("#do-close")
    expect(desk.locator("#result")).to_contain_text("服务承诺落实")
    screenshot(desk, "meeting-resolution-closed-desktop")
    resolution.refresh_from_db()
    assert resolution.status == "closed"


def test_schedule_invite_and_qr_check_in(new_page, live_url, demo_people, screenshot):
    worker = User.objects.get(username="community_staff")
    desk = new_page(desktop=True)
    sign_in_as(desk, live_url, worker)
    desk.goto("/workbench/meetings/new/")
    desk.fill("input[name=title]", "三月联席会议")
    desk.select_option("select[name=kind]", "joint")
    desk.select_option("select[name=scope]", JIEFANG)
    desk.fill("input[name=starts_at]", "2020-01-01T19:30")
    desk.fill("input[name=place]", "")
    desk.click("#do-schedule")
    expect(desk.locator("#error")).to_be_visible()  # no place: refused, typed title kept
    expect(desk.locator("input[name=title]")).to_have_value("三月联席会议")
    desk.fill("input[name=place]", "交流吧议事厅")
    desk.click("#do-schedule")
    desk.wait_for_url("**/meetings/*/")
    meeting = Meeting.objects.get(title="三月联席会议")
    desk.select_option("#party-form select[name=side]", "property")
    desk.fill("#party-form input[name=name]", "王经理")
    desk.click("#do-invite")
    expect(desk.locator(".messages")).to_be_visible()
    expect(desk.locator("#party-form input[name=name]")).to_have_value("王经理")
    desk.fill("#party-form input[name=organisation]", "宏达物业")
    desk.click("#do-invite")
    expect(desk.locator("#parties")).to_contain_text("宏达物业")
    expect(desk.locator("#qr img")).to_be_visible()
    desk.wait_for_function("document.querySelector('#qr img').complete")
    assert desk.eval_on_selector("#qr img", "img => img.naturalWidth") > 100
    screenshot(desk, "meeting-new-desktop")

    phone = new_page()
    sign_in_as(phone, live_url, user_by_phone(phone="13800000001"))
    phone.goto(services.checkin_path(meeting))
    screenshot(phone, "meeting-checkin-phone")
    phone.click("#do-checkin")
    expect(phone.locator("#checked-in")).to_be_visible()
    _fits(phone)
    desk.reload()
    expect(desk.locator("#parties")).to_contain_text("✓ 扫码")
