"""Issue 9, item 14, on a 390 px phone: the similar-appeal panel answers text that
arrives without key presses (paste, voice input, an IME), waits for an IME composition
to end, and never offers the resident their own appeal as "其他居民已反映"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jiaoliuba.appeals import services
from jiaoliuba.appeals.services import Intake
from jiaoliuba.appeals.tests.test_browser_appeal_journey import resident_sign_in
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.browser

NEIGHBOUR = "小区东门的路灯坏了快一个月了，晚上特别黑，老人走路容易摔，我电话13912345678"
OWN = "东门的路灯坏了一个月了，晚上特别黑，上周我已经反映过一次"
TYPED = "东门路灯坏了快一个月，晚上特别黑，老人容易摔"


def file(regions, user, text):
    appeal, _ = services.appeal_submit(
        submitter=user, intake=Intake(content=text, community=None, grid=regions[JIEFANG_G1])
    )
    return appeal


def test_similar_panel_answers_paste_voice_and_ime_but_never_offers_own_appeals(
    page: Page, live_url, regions, make_resident, screenshot
):
    resident = make_resident(JIEFANG_G1, name="张秀兰")
    theirs = file(regions, make_resident(JIEFANG_G1, name="李建国"), NEIGHBOUR)
    mine = file(regions, resident, OWN)
    lookups: list[str] = []
    page.on("request", lambda r: lookups.append(r.url) if "/appeals/similar/" in r.url else None)

    resident_sign_in(page, live_url, resident.phone, "/appeals/new/")
    expect(page.locator("#community")).to_have_value("411702001001")
    text = page.locator("#content")

    # 1. Text inserted in one go, as voice input and autofill do: no key events at all.
    text.focus()
    with page.expect_response(lambda r: "/appeals/similar/" in r.url):
        page.keyboard.insert_text(TYPED)
    items = page.locator("#similar .similar-item")
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("data-appeal", str(theirs.pk))
    expect(page.locator(f'#similar [data-appeal="{mine.pk}"]')).to_have_count(0)
    panel = page.locator("#similar").inner_text()
    assert "13912345678" not in panel and "李建国" not in panel
    screenshot(page, "similar-01-phone-panel")

    # 2. A paste: the browser sends an input event of type insertFromPaste.
    page.evaluate("() => { document.getElementById('similar').innerHTML = ''; }")
    with page.expect_response(lambda r: "/appeals/similar/" in r.url):
        text.evaluate(
            """(el, value) => {
                el.value = value;
                el.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertFromPaste"}));
            }""",
            TYPED + "，希望尽快修",
        )
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("data-appeal", str(theirs.pk))

    # 3. IME: nothing is looked up while pinyin is being composed, once it ends.
    before = len(lookups)
    text.evaluate(
        """(el, value) => {
            el.dispatchEvent(new CompositionEvent("compositionstart", {bubbles: true}));
            el.value = value;
            el.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true}));
        }""",
        TYPED + "，dengguang",
    )
    page.wait_for_timeout(1200)  # twice the debounce
    assert len(lookups) == before
    with page.expect_response(lambda r: "/appeals/similar/" in r.url):
        text.evaluate(
            """(el, value) => {
                el.value = value;
                el.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: "灯光"}));
            }""",
            TYPED + "，灯光",
        )
    expect(items).to_have_count(1)
    expect(page.locator(f'#similar [data-appeal="{mine.pk}"]')).to_have_count(0)
    # The panel fits the phone: no sideways scrolling.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
