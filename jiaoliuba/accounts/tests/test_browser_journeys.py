"""End-to-end journeys in Chromium: residents sign in with an SMS code, grid workers sign in
with a password and stay inside their grid, and the language switch works.

Selectors use ids, names and URLs, not UI text: the Chinese translation may be missing,
so text assertions stick to names, phone numbers, URLs and status codes (except the
language switch, which checks <html lang>)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.core.crypto import lookup_hash
from jiaoliuba.core.masking import mask_phone
from jiaoliuba.core.models import SensitiveAccessLog, SmsOutbox
from jiaoliuba.testing.browser import staff_sign_in as shared_staff_sign_in
from jiaoliuba.testing.fixtures import (
    JIEFANG_G1,
    JIEFANG_G2,
    XIPING_COMMUNITY,
)

pytestmark = pytest.mark.browser

XIPING_G1 = XIPING_COMMUNITY + "001"
MASKED = re.compile(r"^1\d{2}\*{4}\d{4}$")


# --- helpers -------------------------------------------------------------------------------


def sms_code(phone: str) -> str:
    """The code in the newest SMS the outbox 'sent' to `phone`."""
    message = (
        SmsOutbox.objects.filter(phone_hash=lookup_hash(phone, purpose="phone"))
        .order_by("-created_at", "-id")
        .first()
    )
    assert message is not None, f"no SMS was sent to {phone}"
    match = re.search(r"(?<!\d)\d{6}(?!\d)", message.body)
    assert match, f"no 6-digit code in {message.body!r}"
    return match.group()


def request_code(page: Page, phone: str) -> str:
    """On /login/: type the number, press 获取验证码 (htmx) and return the code sent."""
    page.fill("#id_phone", phone)
    page.click("#send-code")
    status = page.locator("#code-status [role=status]")
    expect(status).to_be_visible()
    expect(status).to_have_class("status-ok")
    expect(page).to_have_url(re.compile(r"/login/$"))  # htmx swapped; no page load
    return sms_code(phone)


def staff_sign_in(page: Page, username: str) -> None:
    shared_staff_sign_in(page, username)  # with the second step where the role needs it


def html_lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def assert_fits_width(page: Page) -> None:
    """Nothing sticks out sideways: the page is no wider than the viewport. (On a phone
    Chromium widens the layout viewport to fit wide content, so compare with the
    configured viewport, not window.innerWidth.)"""
    assert page.viewport_size is not None
    viewport_width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= viewport_width, (
        f"{page.url} is {scroll_width}px wide, viewport {viewport_width}px"
    )


# --- residents -----------------------------------------------------------------------------


def test_resident_signs_in_with_sms_code(page: Page, live_url, make_resident, screenshot):
    user = make_resident(JIEFANG_G1, name="王秀英")
    phone = user.phone

    page.goto("/")
    expect(page.locator("a.button[href='/login/']")).to_be_visible()
    screenshot(page, "01-landing")

    page.click("a.button[href='/login/']")
    page.wait_for_url("**/login/")
    screenshot(page, "02-resident-login")
    assert_fits_width(page)

    code = request_code(page, phone)
    screenshot(page, "03-resident-login-code-sent")
    page.fill("#id_code", code)
    page.click("#sign-in")
    page.wait_for_url(f"{live_url}/me/")

    body = page.locator("main").inner_text()
    assert "王秀英" in body
    masked = mask_phone(phone)
    assert MASKED.match(masked) and masked != phone
    assert masked in body
    content = page.content()
    assert phone not in content, "the full mobile number must never be shown"
    assert "解放路社区" in body and "第1网格" in body  # community and grid of the resident
    expect(page.locator(".topbar .who")).to_have_text("王秀英")
    screenshot(page, "04-resident-home")
    assert_fits_width(page)

    # The code is single-use: signing out and reusing it fails.
    page.click(".topbar-tools form[action='/logout/'] button")
    page.wait_for_url(f"{live_url}/")
    page.goto("/login/")
    page.fill("#id_phone", phone)
    page.fill("#id_code", code)
    page.click("#sign-in")
    expect(page.locator("ul.errorlist[role=alert]")).to_be_visible()
    assert page.url.endswith("/login/")


def test_new_number_registers_on_first_sign_in(page: Page, live_url, regions):
    phone = "13912345678"
    assert not User.objects.filter(phone_hash=lookup_hash(phone, purpose="phone")).exists()

    page.goto("/login/")
    page.fill("#id_code", request_code(page, phone))
    page.click("#sign-in")
    page.wait_for_url(f"{live_url}/me/")

    user = User.objects.get(phone_hash=lookup_hash(phone, purpose="phone"))
    assert user.resident is not None
    assert mask_phone(phone) in page.locator("main").inner_text()
    assert phone not in page.content()
    # Without a community yet, the page leads to the profile form.
    expect(page.locator("main a.button[href='/me/profile/']")).to_be_visible()


def test_wrong_sms_code_is_refused(page: Page, live_url, make_resident):
    user = make_resident(JIEFANG_G1, name="刘建国")

    page.goto("/login/")
    code = request_code(page, user.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    page.fill("#id_code", wrong)
    page.click("#sign-in")

    error = page.locator("ul.errorlist[role=alert]")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    assert page.url == f"{live_url}/login/"
    expect(page.locator("#id_phone")).to_have_value(user.phone)  # kept for the next try
    # Not signed in: the resident home sends us back to the sign-in page.
    page.goto("/me/")
    assert page.url == f"{live_url}/login/?next=/me/"
    expect(page.locator(".topbar .who")).to_have_count(0)


# --- grid workers --------------------------------------------------------------------------


@pytest.fixture
def grid_people(make_staff, make_resident):
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="wang.grid1")
    own = [
        make_resident(JIEFANG_G1, name="张三丰", phone="13800000011"),
        make_resident(JIEFANG_G1, name="李秀兰", phone="13800000012"),
    ]
    others = [
        make_resident(JIEFANG_G2, name="赵四海", phone="13800000021"),
        make_resident(XIPING_G1, name="钱五岳", phone="13800000031"),
    ]
    return worker, own, others


def test_grid_worker_sees_only_own_grid(desktop_page: Page, live_url, grid_people, screenshot):
    page = desktop_page
    worker, own, others = grid_people

    staff_sign_in(page, worker.username)
    expect(page.locator("#count-total")).to_have_text(str(len(own)))
    expect(page.locator("#my-roles")).to_contain_text(JIEFANG_G1)
    screenshot(page, "05-workbench")

    page.click(".topbar .nav a[href='/workbench/residents/']")
    page.wait_for_url("**/workbench/residents/")
    table = page.locator("#residents")
    expect(table.locator("tbody tr")).to_have_count(len(own))
    text = table.inner_text()
    for user in own:
        assert user.display_name in text
        assert user.masked_phone in text
    for user in others:
        assert user.display_name not in text
    for user in own + others:
        assert user.phone not in page.content()
    screenshot(page, "06-resident-list-desktop")

    # Another grid's resident does not exist for this worker: 404, nothing leaks.
    stranger = others[0]
    response = page.goto(f"/workbench/residents/{stranger.resident.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator(".error-card")).to_be_visible()
    assert stranger.display_name not in page.content()
    screenshot(page, "07-resident-detail-404")
    far = others[1]
    response = page.goto(f"/workbench/residents/{far.resident.pk}/")
    assert response is not None and response.status == 404


def test_grid_worker_reveals_full_phone_with_reason(
    desktop_page: Page, live_url, grid_people, screenshot
):
    page = desktop_page
    worker, own, _others = grid_people
    resident_user = own[0]
    profile = resident_user.resident

    staff_sign_in(page, worker.username)
    page.goto("/workbench/residents/")
    page.click(f"#residents a[href='/workbench/residents/{profile.pk}/']")
    page.wait_for_url(f"**/workbench/residents/{profile.pk}/")
    box = page.locator("#phone-box")
    expect(box).to_contain_text(resident_user.masked_phone)
    assert resident_user.phone not in page.content()
    screenshot(page, "08-resident-detail")

    # Too short a reason: refused, nothing logged, number stays masked.
    box.locator("input[name=reason]").fill("x")
    box.locator("button[type=submit]").click()
    expect(page.locator("#phone-box .status-error")).to_be_visible()
    assert not SensitiveAccessLog.objects.exists()
    assert resident_user.phone not in page.content()

    reason = "回访诉求处理情况"
    page.locator("#phone-box input[name=reason]").fill(reason)
    page.locator("#phone-box button[type=submit]").click()
    expect(page.locator("#full-phone")).to_have_text(resident_user.phone)
    assert page.url.endswith(f"/workbench/residents/{profile.pk}/")  # swapped in place by htmx
    screenshot(page, "09-resident-detail-phone-revealed")

    log = SensitiveAccessLog.objects.get()
    assert log.actor_id == worker.pk
    assert (log.subject_type, log.subject_id) == ("accounts.residentprofile", str(profile.pk))
    assert log.field == "phone"
    assert log.reason == reason


def test_staff_pages_on_a_phone(page: Page, live_url, grid_people, screenshot):
    """Grid workers use the workbench on their phones in the street."""
    worker, own, _others = grid_people
    staff_sign_in(page, worker.username)
    screenshot(page, "10-workbench-phone")
    assert_fits_width(page)

    page.goto("/workbench/residents/")
    expect(page.locator("#residents tbody tr")).to_have_count(len(own))
    # No width check here: with English labels the table is wider than a phone, and with
    # Chinese ones it fits only by breaking names one character per line (reported).
    screenshot(page, "11-resident-list-phone")

    page.goto(f"/workbench/residents/{own[0].resident.pk}/")
    expect(page.locator("#phone-box input[name=reason]")).to_be_visible()
    screenshot(page, "12-resident-detail-phone")
    assert_fits_width(page)


# --- language ------------------------------------------------------------------------------


def test_language_switch(page: Page, live_url, screenshot):
    page.goto("/login/")
    assert html_lang(page) == "zh-Hans"

    page.click(".topbar .lang-switch button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == f"{live_url}/login/"
    expect(page.locator("#sign-in")).to_have_text("Sign in")
    screenshot(page, "13-resident-login-en")

    page.click(".topbar .lang-switch button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert page.url == f"{live_url}/login/"
    expect(page.locator(".topbar .lang-switch button[name=language][value=en]")).to_be_visible()
