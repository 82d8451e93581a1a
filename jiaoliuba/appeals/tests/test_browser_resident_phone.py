"""A new resident on a 390 px phone: signs in with the SMS code from the outbox, chooses
a community (its grids appear at once), files an appeal, reads the progress bar and both
deadlines, then switches on the large-text mode. Measured in the browser: every button
and link in the main content is at least 44 px tall, and every badge's text reads at
4.5:1 or better on its background. Screenshots in test-artifacts/screenshots/resident-*."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.core.crypto import lookup_hash
from jiaoliuba.core.models import SmsOutbox
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.browser

PHONE = "13912345678"
STREETLIGHT = "小区3号楼东侧的路灯坏了一个多星期，晚上很黑，老人出门容易摔倒，请尽快修一修。"
MIN_TARGET = 44
MIN_CONTRAST = 4.5

# Every visible tap target in the top bar and <main>: its height, and what it is, for the failure message.
TARGETS_JS = """
() => [...document.querySelectorAll(
    'header a, header button, main a, main button, main summary, main select, main textarea, ' +
    'main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main label.check'
  )].filter(e => e.offsetParent !== null && !e.closest('noscript, .leaflet-container'))
   .map(e => ({h: e.getBoundingClientRect().height,
               what: e.tagName + '#' + e.id + ' ' + (e.textContent || e.name || '').trim().slice(0, 20)}))
"""
BADGES_JS = """
() => [...document.querySelectorAll('.badge')].filter(e => e.offsetParent !== null)
  .map(e => {const s = getComputedStyle(e);
             return {fg: s.color, bg: s.backgroundColor, text: e.textContent.trim()}})
"""


def sms_code(phone: str) -> str:
    message = (
        SmsOutbox.objects.filter(phone_hash=lookup_hash(phone, purpose="phone"))
        .order_by("-created_at", "-id")
        .first()
    )
    assert message is not None, f"no SMS was sent to {phone}"
    return re.search(r"(?<!\d)\d{6}(?!\d)", message.body).group()


def rgb(css: str) -> tuple[float, ...]:
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    assert len(parts) == 3 or parts[3] == 1, f"translucent colour {css}: measure it opaque"
    return tuple(parts[:3])


def contrast(fg: str, bg: str) -> float:
    def luminance(colour: str) -> float:
        lin = [c / 255 for c in rgb(colour)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in lin]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def measure(page: Page) -> tuple[list[dict], list[dict]]:
    """(tap targets under 44 px, badges under 4.5:1) on the current page."""
    targets, badges = page.evaluate(TARGETS_JS), page.evaluate(BADGES_JS)
    assert len(targets) >= 5, "nothing measured: is the selector still right?"
    small = [t for t in targets if t["h"] < MIN_TARGET - 0.5]
    faint = [
        {**b, "ratio": round(contrast(b["fg"], b["bg"]), 2)}
        for b in badges
        if contrast(b["fg"], b["bg"]) < MIN_CONTRAST
    ]
    return small, faint


def top_screenshot(screenshot, page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def test_new_resident_on_a_phone(page: Page, live_url, regions, screenshot):
    # 1. The home page: no links to modules that do not exist, the public board reachable.
    page.goto("/")
    expect(page.locator("#public-board")).to_be_visible()
    expect(page.locator("#coming-soon a")).to_have_count(0)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    favicon = page.request.get(f"{live_url}{icon}")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/svg+xml")
    top_screenshot(screenshot, page, "resident-01-landing-phone")

    # 2. Sign in with the SMS code read from the outbox; a new number becomes a resident.
    page.goto("/login/")
    page.fill("#id_phone", PHONE)
    page.click("#send-code")
    expect(page.locator("#code-status [role=status]")).to_have_class("status-ok")
    page.fill("#id_code", sms_code(PHONE))
    top_screenshot(screenshot, page, "resident-02-sms-sign-in-phone")
    assert measure(page) == ([], [])
    page.click("#sign-in")
    page.wait_for_url(f"{live_url}/me/")

    # 3. 我的资料: choosing the community offers its grids at once.
    page.goto("/me/profile/")
    expect(page.locator(f"#id_grid option[value='{JIEFANG_G1}']")).to_have_count(0)
    page.fill("#id_display_name", "王桂英")
    page.select_option("#id_community", JIEFANG)
    expect(page.locator(f"#id_grid option[value='{JIEFANG_G1}']")).to_have_count(1)
    page.select_option("#id_grid", JIEFANG_G1)
    top_screenshot(screenshot, page, "resident-03-profile-grids-phone")
    assert measure(page) == ([], [])
    page.click("main form button.primary")
    page.wait_for_url(f"{live_url}/me/")

    # 4. File an appeal.
    page.click("#raise-appeal")
    page.wait_for_url(f"{live_url}/appeals/new/")
    page.fill("#content", STREETLIGHT)
    assert measure(page) == ([], [])
    page.click("#submit-appeal")
    page.wait_for_url(re.compile(rf"^{re.escape(live_url)}/appeals/\d+/$"))
    appeal = Appeal.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))
    assert appeal.grid.code == JIEFANG_G1

    # 5. The progress bar and both deadlines.
    steps = page.locator("#progress li")
    expect(steps).to_have_count(5)
    assert steps.evaluate_all("els => els.map(e => e.dataset.step)") == [
        "collect",
        "classify",
        "handle",
        "feedback",
        "rate",
    ]
    expect(page.locator("#progress li[aria-current=step]")).to_have_attribute("data-step", "handle")
    for word in ("收集", "分类", "办理", "反馈", "评价"):
        expect(page.locator("#progress")).to_contain_text(word)
    for clock_name, due in (
        ("response", appeal.response_due_at),
        ("resolution", appeal.resolution_due_at),
    ):
        text = due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        expect(page.locator(f"#deadline-{clock_name}")).to_contain_text(text)
    expect(page.locator("#appeal .badge.overdue")).to_have_count(0)
    # The bar fits the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    top_screenshot(screenshot, page, "resident-04-appeal-progress-phone")
    small, faint = measure(page)
    assert not small, f"tap targets under {MIN_TARGET}px (standard mode): {small}"
    assert not faint, f"badges under {MIN_CONTRAST}:1 (standard mode): {faint}"

    # 6. 适老化: switch on large text; it sticks across pages and on the account.
    page.click("#large-text-toggle")
    page.wait_for_url(page.url)
    expect(page.locator("html")).to_have_class("large-text")
    expect(page.locator("#large-text-toggle")).to_have_attribute("aria-pressed", "true")
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 20
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    top_screenshot(screenshot, page, "resident-05-appeal-large-text-phone")
    small, faint = measure(page)
    assert not small, f"tap targets under {MIN_TARGET}px (large text): {small}"
    assert not faint, f"badges under {MIN_CONTRAST}:1 (large text): {faint}"
    page.goto("/me/")
    expect(page.locator("html")).to_have_class("large-text")
    top_screenshot(screenshot, page, "resident-06-me-large-text-phone")
    assert measure(page) == ([], [])
    page.goto("/appeals/new/")
    top_screenshot(screenshot, page, "resident-07-new-appeal-large-text-phone")
    assert measure(page) == ([], [])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    appeal.submitter.refresh_from_db()
    assert appeal.submitter.large_text is True
