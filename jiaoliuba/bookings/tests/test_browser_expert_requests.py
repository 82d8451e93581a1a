"""Staff at the desk (1280 px) ask the expert pool for a lawyer from an appeal's page;
the lawyer accepts on the phone (390 px); the appeal page shows the answer. A resident's
bookings page offers the calendar file and the subscription. Screenshots in
test-artifacts/screenshots/expert-requests-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jiaoliuba.appeals import services as appeal_services
from jiaoliuba.appeals.services import Intake
from jiaoliuba.bookings import services
from jiaoliuba.bookings.models import ExpertRequest
from jiaoliuba.bookings.tests.test_browser_journey import _no_horizontal_scroll, shot, sign_in
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 900}


def test_staff_ask_the_pool_and_the_lawyer_accepts_on_the_phone(
    new_page, live_url, regions, residents, staff, expert, lawyer_user, make_session, screenshot
):
    appeal, _created = appeal_services.appeal_submit(
        submitter=residents[0],
        intake=Intake(
            content="楼上装修拆了承重墙，我家墙面开裂，协商不成，想请律师调解",
            community=None,
            grid=regions[JIEFANG_G1],
            type_hint="",
        ),
    )
    desk = new_page(desktop=True, viewport=DESK)
    # The machine is shared and loaded: a longer wait than the default 10 s per step.
    desk.context.set_default_timeout(60_000)
    sign_in(desk, staff, live_url)
    desk.goto(f"/appeals/{appeal.pk}/")
    expect(desk.locator("#expert-requests")).to_contain_text("还没有邀请专业人士")
    desk.click("#ask-expert")
    expect(desk.locator(".candidate")).to_have_count(1)
    desk.locator(".candidate input[type=radio]").first.check()
    desk.fill("#note", "相邻权纠纷，请律师参加周三的调解")
    shot(screenshot, desk, "expert-requests-01-ask-desktop")
    phone_staff = new_page()
    phone_staff.context.set_default_timeout(60_000)
    sign_in(phone_staff, staff, live_url)
    phone_staff.goto(f"/services/staff/expert-requests/new/?subject=appeal:{appeal.pk}")
    _no_horizontal_scroll(phone_staff)
    shot(screenshot, phone_staff, "expert-requests-02-ask-phone")
    desk.click("#do-ask")
    expect(desk.locator("#expert-requests")).to_contain_text("王律师")
    shot(screenshot, desk, "expert-requests-03-appeal-desktop")

    lawyer = new_page()
    lawyer.context.set_default_timeout(60_000)
    sign_in(lawyer, lawyer_user, live_url)
    lawyer.goto("/services/expert-requests/")
    expect(lawyer.locator("#requests")).to_contain_text("相邻权纠纷")
    _no_horizontal_scroll(lawyer)
    shot(screenshot, lawyer, "expert-requests-04-inbox-phone")
    lawyer.click("#requests h2 a")
    lawyer.fill("#answer", "周三上午九点到社区")
    shot(screenshot, lawyer, "expert-requests-05-answer-phone")
    lawyer.click("#do-accept")
    expect(lawyer.locator("#request-status")).to_have_text("已接受")
    _no_horizontal_scroll(lawyer)
    desk.goto(f"/appeals/{appeal.pk}/")
    expect(desk.locator("#expert-requests")).to_contain_text("周三上午九点到社区")
    assert ExpertRequest.objects.get().status == "accepted"

    session = make_session(capacity=3)
    services.booking_reserve(actor=residents[1], session=session)
    resident = new_page()
    resident.context.set_default_timeout(60_000)
    sign_in(resident, residents[1], live_url)
    resident.goto("/services/mine/")
    expect(resident.locator(".add-calendar")).to_have_count(1)
    expect(resident.locator("#calendar-feed .feed-url")).to_have_value(
        re.compile(r"/services/calendar/.+\.ics$")
    )
    _no_horizontal_scroll(resident)
    shot(screenshot, resident, "expert-requests-06-calendar-phone")
