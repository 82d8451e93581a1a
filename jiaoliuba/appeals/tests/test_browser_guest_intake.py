"""Issue 9, items 10 and 13 in Chromium on a 390 px phone: a visitor files an appeal
without an account (answering the sum), sees the photo preview before sending, gets the
tracking code, follows the appeal by the code; a wrong code is a 404; the community's
staff find the appeal in their queue.

Selectors use ids, names and URLs, not UI text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.choices import Status
from jiaoliuba.appeals.models import Appeal, Attachment
from jiaoliuba.testing.browser import staff_sign_in
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.browser


def photo(path: Path) -> Path:
    Image.new("RGB", (320, 240), (60, 120, 180)).save(path, "JPEG")
    return path


def test_visitor_files_without_account_and_follows_it_by_code(
    page: Page, new_page, live_url, make_staff, screenshot, tmp_path
):
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="cstaff.li")

    page.goto("/login/")
    page.click("#guest-links a[href='/appeals/guest/']")
    page.wait_for_url("**/appeals/guest/")
    page.select_option("#community", JIEFANG)
    page.fill("#content", "小区东门的路灯坏了一个多星期，晚上很黑，老人出门不方便。")
    page.set_input_files("#photos", [str(photo(tmp_path / "lamp.jpg"))])
    # The preview shows before anything is sent.
    expect(page.locator(".photo-preview[data-preview-for=photos] img")).to_have_count(1)
    question = page.locator("label[for=challenge_answer]").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question)[:2])
    page.fill("#challenge_answer", str(a + b))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky bar lands mid-picture
    screenshot(page, "guest-appeal-form-390")
    page.click("#submit-guest")

    page.wait_for_url(re.compile(r".*/t/[2-9A-Z]{10}/$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", code)
    appeal = Appeal.objects.get(tracking_code=code)
    assert appeal.submitter is None and appeal.status == Status.DISPATCHED
    assert Attachment.objects.filter(appeal=appeal).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "guest-appeal-receipt-390")

    # Anyone holding the code, in another browser, sees the progress (by typing it).
    other = new_page()
    other.goto("/t/")
    other.fill("#code", code.lower())
    other.click("main form button[type=submit]")
    other.wait_for_url(f"**/t/{code}/")
    expect(other.locator("#track-status")).to_be_visible()
    expect(other.locator("#tracking-code")).to_have_count(0)  # the banner is for the filer
    response = other.goto("/t/ABCDEFGHJK/")
    assert response is not None and response.status == 404

    desk = new_page(desktop=True)
    staff_sign_in(desk, staff.username)
    desk.goto("/workbench/appeals/")
    expect(desk.locator(f"text={appeal.number} >> visible=true").first).to_be_visible()
