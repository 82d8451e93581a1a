"""The whole appeal loop in Chromium: a resident files a neighbour-noise appeal with a
phone photo that carries GPS metadata, the grid worker signs for it and resolves it at
the desk, the resident rates it and it closes. The stored photo must have lost its
EXIF/GPS on the way.

Selectors use ids, names and URLs, not UI text (the Chinese catalogue may change)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.choices import ClosureReason, EventKind, Priority, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent, Attachment
from jiaoliuba.core.crypto import lookup_hash
from jiaoliuba.core.models import SmsOutbox
from jiaoliuba.testing.browser import staff_sign_in as shared_staff_sign_in
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.browser

GPS_IFD = 0x8825  # 34853, GPSInfo
NOISE = "楼上邻居每晚11点以后还在跳绳、拖椅子，噪音很大，老人孩子都睡不好，沟通过几次没有用。"
REPLY = "已上门与楼上住户沟通，对方同意晚上10点后不再跳绳，并在椅子脚加装了防滑垫。"


# --- helpers -------------------------------------------------------------------------------


def gps_jpeg(path: Path) -> Path:
    """A small real JPEG with camera EXIF and a GPS position (驻马店)."""
    image = Image.new("RGB", (320, 240), (180, 120, 60))
    for x in range(0, 320, 40):  # some structure so it is not one flat colour
        image.paste((40, 90, 160), (x, 0, x + 20, 240))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x0110] = "Model 1"  # Model
    exif[0x0132] = "2025:09:26 10:00:00"  # DateTime
    exif[GPS_IFD] = {
        1: "N",
        2: (32.0, 58.0, 48.0),
        3: "E",
        4: (114.0, 1.0, 12.0),
    }
    image.save(path, "JPEG", exif=exif.tobytes(), quality=85)
    return path


def sms_code(phone: str) -> str:
    message = (
        SmsOutbox.objects.filter(phone_hash=lookup_hash(phone, purpose="phone"))
        .order_by("-created_at", "-id")
        .first()
    )
    assert message is not None, f"no SMS was sent to {phone}"
    match = re.search(r"(?<!\d)\d{6}(?!\d)", message.body)
    assert match, f"no 6-digit code in {message.body!r}"
    return match.group()


def resident_sign_in(page: Page, live_url: str, phone: str, next_path: str) -> None:
    """The real SMS-code flow, landing on `next_path`."""
    page.goto(f"/login/?next={next_path}")
    page.fill("#id_phone", phone)
    page.click("#send-code")
    expect(page.locator("#code-status [role=status]")).to_have_class("status-ok")
    page.fill("#id_code", sms_code(phone))
    page.click("#sign-in")
    page.wait_for_url(f"{live_url}{next_path}")


def staff_sign_in(page: Page, username: str) -> None:
    shared_staff_sign_in(page, username)  # with the second step where the role needs it


def top_screenshot(screenshot, page: Page, name: str) -> Path:
    """A full-page screenshot taken from the top: scrolled down, the sticky top bar would
    be painted across the middle of the picture."""
    page.evaluate("window.scrollTo(0, 0)")
    return screenshot(page, name)


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# --- the journey ---------------------------------------------------------------------------


def test_appeal_journey_from_phone_to_desk_and_back(
    page: Page, new_page, live_url, make_resident, make_staff, screenshot, tmp_path
):
    resident = make_resident(JIEFANG_G1, name="张秀兰")
    worker = make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1.wang")

    photo = gps_jpeg(tmp_path / "IMG_20250926_100000.jpg")
    with Image.open(photo) as original:
        exif = original.getexif()
        assert GPS_IFD in exif, "the test photo must carry a GPSInfo tag"
        gps = exif.get_ifd(GPS_IFD)
        assert gps.get(1) == "N" and gps.get(3) == "E" and gps.get(2), gps
        assert exif.get(0x010F) == "TestPhone"

    # 1. The resident files the appeal on a phone.
    resident_sign_in(page, live_url, resident.phone, "/appeals/new/")
    expect(page.locator("#appeal-form")).to_be_visible()
    # The resident's own community and grid are filled in.
    expect(page.locator("#community")).to_have_value("411702001001")
    expect(page.locator("#appeal-form input[type=hidden][name=grid]")).to_have_value(JIEFANG_G1)
    page.fill("#content", NOISE)
    page.select_option("#type_hint", "neighbor")
    page.set_input_files("#photos", str(photo))
    page.fill("#address", "3号楼2单元")
    top_screenshot(screenshot, page, "appeal-01-submit-form-phone")
    form_width = page_width(page)

    page.click("#submit-appeal")
    page.wait_for_url(re.compile(rf"^{re.escape(live_url)}/appeals/\d+/$"))
    appeal_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    appeal = Appeal.objects.get(pk=appeal_id)
    assert appeal.submitter_id == resident.pk
    assert (appeal.priority, appeal.category) == (Priority.YELLOW, "neighbor")
    assert appeal.status == Status.DISPATCHED and appeal.assignee_id == worker.pk
    expect(page.locator("#appeal h1")).to_have_text(appeal.number)
    expect(page.locator(".msg-success")).to_contain_text(appeal.number)
    expect(page.locator("#appeal .attachments img.thumb")).to_have_count(1)
    # The thumbnail really loads (the attachment view serves the stored file).
    assert (
        page.locator("#appeal .attachments img.thumb").evaluate(
            "img => img.complete && img.naturalWidth"
        )
        == 320
    )

    # The stored photo has no EXIF, and in particular no GPS position.
    attachment = Attachment.objects.get(appeal=appeal)
    assert attachment.kind == "image" and attachment.content_type == "image/jpeg"
    with attachment.file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (320, 240)
        stored_exif = image.getexif()
        assert GPS_IFD not in stored_exif
        assert len(stored_exif) == 0, dict(stored_exif)
        assert "exif" not in image.info
    assert b"TestPhone" not in Path(attachment.file.path).read_bytes()

    # 2. The grid worker signs in at the desk, finds it in the queue and handles it.
    desk = new_page(desktop=True)
    staff_sign_in(desk, worker.username)
    desk.goto("/workbench/appeals/")
    row_link = desk.locator(f"#queue a[href='/appeals/{appeal.pk}/']")
    expect(row_link).to_have_text(appeal.number)
    expect(desk.locator("#queue tbody tr")).to_have_count(1)
    top_screenshot(screenshot, desk, "appeal-02-queue-desktop")

    row_link.click()
    desk.wait_for_url(f"{live_url}/appeals/{appeal.pk}/")
    expect(desk.locator("#actions")).to_be_visible()
    desk.click("#do-accept")
    desk.wait_for_load_state()
    expect(desk.locator("#do-accept")).to_have_count(0)
    expect(desk.locator("#timeline li.ev-accepted")).to_have_count(1)
    assert Appeal.objects.get(pk=appeal.pk).status == Status.ACCEPTED

    desk.fill("#resolve-reply", REPLY)
    top_screenshot(screenshot, desk, "appeal-03-staff-detail-desktop")
    desk.click("#do-resolve")
    expect(desk.locator("#timeline li.ev-resolved")).to_have_count(1)
    expect(desk.locator("#do-resolve")).to_have_count(0)
    appeal.refresh_from_db()
    assert appeal.status == Status.RESOLVED and appeal.reply == REPLY and appeal.first_response_at

    # 3. The resident sees the reply and rates it.
    page.reload()
    expect(page.locator("section.reply")).to_contain_text(REPLY)
    expect(page.locator("#rate")).to_be_visible()
    page.check("input[name=level][value=satisfied]")
    page.check("input[name=solved][value='1']")
    page.fill("#comment", "处理得很及时，谢谢网格员！")
    top_screenshot(screenshot, page, "appeal-03b-resident-rating-form-phone")
    page.click("#submit-rating")
    expect(page.locator("#rate")).to_have_count(0)
    expect(page.locator("#timeline li.ev-rated")).to_have_count(1)

    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert appeal.closure_reason == ClosureReason.RATED and appeal.closed_at is not None
    rating = appeal.ratings.get()
    assert (rating.level, rating.solved, rating.rater_id) == ("satisfied", True, resident.pk)

    # The resident's timeline shows the loop, in order, without internal events.
    timeline = page.locator("#timeline li")
    classes = timeline.evaluate_all("els => els.map(e => e.className)")
    shown = [m.group(1) for c in classes if (m := re.search(r"\bev-(\S+)", c))]
    assert shown == [
        EventKind.SUBMITTED,
        EventKind.DISPATCHED,
        EventKind.ACCEPTED,
        EventKind.RESOLVED,
        EventKind.RATED,
    ], shown
    assert EventKind.TRIAGED in AppealEvent.objects.filter(appeal=appeal).values_list(
        "kind", flat=True
    )
    expect(page.locator("#timeline li.ev-resolved")).to_contain_text(REPLY)
    # The resident never sees the handler's account name, only a masked display name.
    assert worker.username not in page.locator("main").inner_text()
    expect(page.locator("#appeal .badge.status-closed")).to_have_count(1)
    top_screenshot(screenshot, page, "appeal-04-resident-detail-after-rating-phone")

    viewport = page.viewport_size["width"]
    assert form_width <= viewport, f"the submit form is {form_width}px wide on a {viewport}px phone"
    assert page_width(page) <= viewport, (
        f"the detail page is {page_width(page)}px wide on a {viewport}px phone"
    )
