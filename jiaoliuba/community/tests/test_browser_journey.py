"""On a 390 px phone a resident opens 解放路社区's page from the 社区 entry of the top bar,
reads a 防汛 warning (the receipt is recorded), replies, and posts a wish; a volunteer
claims it; staff see the read count at the desk (1280 px). The bar keeps few entries and
the rest under 更多. Screenshots in test-artifacts/screenshots/community-*.png."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import Page, expect

from jiaoliuba.community import services
from jiaoliuba.community.choices import NoticeKind
from jiaoliuba.community.models import NoticeReceipt, Wish

pytestmark = pytest.mark.browser


def sign_in(page: Page, user, live_url: str) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )


def shot(screenshot, page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (150, 190, 230)).save(out, format="PNG")
    out.seek(0)
    return out


def _bar_rows(page: Page) -> int:
    """Rows the top bar's own entries take (distinct tops of the visible links)."""
    tops = page.eval_on_selector_all(
        ".topbar .nav > a, .topbar .nav > details > summary",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
    )
    return len(set(tops))


def test_resident_reads_replies_wishes_and_a_volunteer_claims(
    page: Page, new_page, live_url, staff, volunteer, people, community, screenshot
):
    channel = services.channel_ensure(region=community)
    notice = services.notice_publish(
        actor=staff,
        notice=services.notice_create(
            actor=staff,
            channel=channel,
            kind=NoticeKind.WEATHER,
            title_text="防汛预警：今夜有暴雨",
            body="地下车库车辆请于 20:00 前移至地面。",
        ),
    )
    zhang = people["zhang"]
    sign_in(page, zhang, live_url)
    page.goto("/appeals/")
    assert _bar_rows(page) == 1  # four entries, the inbox and 更多: one row at 390 px
    shot(screenshot, page, "community-nav-phone")
    page.click(".nav-more summary")
    expect(page.locator(".nav-more-menu a[href='/me/']")).to_be_visible()
    screenshot(page, "community-nav-phone-more-open")
    page.click(".nav-more summary")
    page.click(f".topbar .nav a[href='/community/{community.pk}/']")
    expect(page.locator("h1")).to_have_text(community.name)
    _no_horizontal_scroll(page)
    expect(page.locator(".notice-item.unread")).to_have_count(1)
    shot(screenshot, page, "community-page-phone")

    page.click(f"a[href='/community/notices/{notice.pk}/']")
    expect(page.locator("#notice h1")).to_have_text("防汛预警：今夜有暴雨")
    expect(page.locator("#my-receipt")).to_contain_text(":")
    assert NoticeReceipt.objects.get(notice=notice, user=zhang).read_at is not None
    page.fill("#reply-body", "<b>北侧广场</b>可以停车吗？")
    page.click("#reply-form button[type=submit]")
    expect(page.locator(".msg-success")).to_be_visible()
    expect(page.locator(".reply").first).to_contain_text("<b>北侧广场</b>可以停车吗？")
    _no_horizontal_scroll(page)
    shot(screenshot, page, "community-notice-phone")

    page.goto(f"/community/{community.pk}/#wishes")
    page.click("#wish-form summary")
    page.fill("#wish-title", "想找人周六陪母亲读报")
    page.fill("#wish-body", "母亲眼睛不好")
    page.click("#wish-form button[type=submit]")
    expect(page.locator(".msg-success")).to_be_visible()
    wish = Wish.objects.get()
    expect(page.locator(f"#wish-{wish.pk}")).to_contain_text("等待志愿者")

    helper = new_page()
    sign_in(helper, volunteer, live_url)
    helper.goto(f"/community/{community.pk}/#wish-{wish.pk}")
    helper.click(f"#wish-{wish.pk} button:has-text('我来帮')")
    expect(helper.locator(f"#wish-{wish.pk}")).to_contain_text("志愿者已认领")
    wish.refresh_from_db()
    assert wish.status == "claimed" and wish.claimed_by == volunteer
    helper.locator(f"#wish-{wish.pk}").scroll_into_view_if_needed()
    screenshot(helper, "community-wish-claimed-phone")

    story = services.story_submit(
        actor=zhang,
        community=community,
        title_text="读报的周六",
        body="每个周六上午，志愿者都会准时敲开王奶奶家的门。",
        files=[("photo.png", _png())],
    )
    services.story_publish(actor=staff, story=story)
    page.goto(f"/community/stories/{story.pk}/")
    expect(page.locator(".story-photo")).to_be_visible()
    _no_horizontal_scroll(page)
    shot(screenshot, page, "community-story-phone")

    staff_phone = new_page()
    sign_in(staff_phone, staff, live_url)
    staff_phone.goto(f"/community/{community.pk}/desk/")
    _no_horizontal_scroll(staff_phone)
    assert _bar_rows(staff_phone) <= 2
    shot(screenshot, staff_phone, "community-desk-phone")

    desk = new_page(desktop=True, viewport={"width": 1280, "height": 900})
    sign_in(desk, staff, live_url)
    desk.goto(f"/community/{community.pk}/desk/")
    expect(desk.locator("#desk-notices tbody tr").first).to_contain_text("1 / 4")
    assert _bar_rows(desk) == 1
    shot(screenshot, desk, "community-desk-desktop")
    desk.goto(f"/community/{community.pk}/")
    shot(screenshot, desk, "community-page-desktop")
    desk.goto(f"/community/notices/{notice.pk}/")
    expect(desk.locator("#read-count")).to_have_text("1")
    shot(screenshot, desk, "community-notice-desktop")
