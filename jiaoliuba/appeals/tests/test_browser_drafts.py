"""Nothing a resident typed is lost (issue 9's leftover: a 413 lost the text). In Chromium on
a 390 px phone, on the no-account form: a photo past its limit is refused when chosen and the
others stay; a reload, and the way back from a real 413, fill the typed text in again from the
tab's draft; the receipt drops the draft, so the next appeal starts empty.

Selectors use ids, names and URLs, not UI text."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from jiaoliuba.appeals.models import Appeal
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.browser

TEXT = "3号楼楼道灯坏了两个星期，晚上上下楼全靠手机照明，老人不敢出门。"
DRAFT = "jiaoliuba:draft:guest-appeal"


def small_photo(path: Path) -> Path:
    Image.new("RGB", (64, 48), (60, 120, 180)).save(path, "JPEG")
    return path


def noisy_photo(path: Path, size: tuple[int, int] = (400, 300)) -> Path:
    # Noise does not compress: 400x300 random pixels is well over 100 KB as a JPEG.
    w, h = size
    Image.frombytes("RGB", size, os.urandom(w * h * 3)).save(path, "JPEG", quality=95)
    return path


def answer_the_sum(page: Page) -> None:
    a, b = (
        int(n)
        for n in re.findall(r"\d+", page.locator("label[for=challenge_answer]").inner_text())[:2]
    )
    page.fill("#challenge_answer", str(a + b))


def test_typed_text_survives_refused_files_reloads_and_a_413(
    page: Page, live_url, regions, settings, screenshot, tmp_path
):
    settings.APPEAL_MAX_IMAGE_BYTES = 100_000
    small = small_photo(tmp_path / "small.jpg")
    big = noisy_photo(tmp_path / "big.jpg")
    assert small.stat().st_size < 100_000 < big.stat().st_size

    page.goto("/appeals/guest/")
    page.select_option("#community", JIEFANG)
    page.fill("#content", TEXT)
    page.fill("#address", "3号楼2单元")
    page.set_input_files("#photos", [str(small), str(big)])
    # The big one is taken out at once, with its name; the small one stays, with its preview.
    expect(page.locator("#photos-limit")).to_contain_text("big.jpg")
    assert page.evaluate("document.getElementById('photos').files.length") == 1
    expect(page.locator(".photo-preview[data-preview-for=photos] img")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "appeal-file-refused-390")

    # A reload comes back empty from the server; the draft fills it in and says so.
    page.reload()
    expect(page.locator("#content")).to_have_value(TEXT)
    expect(page.locator("#address")).to_have_value("3号楼2单元")
    expect(page.locator("#community")).to_have_value(JIEFANG)
    expect(page.locator(".draft-restored")).to_be_visible()

    # A real 413: the body is past the server's total; the browser shows the error page.
    settings.UPLOAD_MAX_REQUEST_BYTES = 20_000
    medium = noisy_photo(tmp_path / "medium.jpg", (150, 120))
    assert 20_000 < medium.stat().st_size < 100_000  # within its own limit, not the total's
    page.set_input_files("#photos", [str(medium)])
    answer_the_sum(page)
    response_status = {}
    page.on("response", lambda r: response_status.setdefault(r.url, r.status))
    page.click("#submit-guest")
    page.wait_for_load_state()
    assert 413 in response_status.values()
    assert Appeal.objects.count() == 0
    page.goto("/appeals/guest/")  # a fresh page, not the browser's back-forward cache
    expect(page.locator("#content")).to_have_value(TEXT)
    screenshot(page, "appeal-draft-restored-390")

    # Sent at last: the receipt drops the draft, and the next form starts empty.
    settings.UPLOAD_MAX_REQUEST_BYTES = 10_000_000
    answer_the_sum(page)
    page.click("#submit-guest")
    page.wait_for_url(re.compile(r".*/t/[2-9A-Z]{10}/$"))
    assert Appeal.objects.get().content == TEXT
    assert page.evaluate(f"sessionStorage.getItem('{DRAFT}')") is None
    page.goto("/appeals/guest/")
    expect(page.locator("#content")).to_have_value("")
    expect(page.locator(".draft-restored")).to_have_count(0)
