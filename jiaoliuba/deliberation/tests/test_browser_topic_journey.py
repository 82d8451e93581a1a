"""A resident on a 390 px phone proposes 停车难, neighbours support it up to the
community's threshold (the last one in their own browser), the topic goes on the agenda
by itself, community staff answer officially at the desk, and the proposer reads the
answer with its badge and the inbox message. Screenshots in
test-artifacts/screenshots/deliberation-*.png."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.deliberation import services
from jiaoliuba.deliberation.models import SupportThreshold, Topic
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.browser

TITLE = "如何解决小区停车难"
BODY = "晚上七点以后车位全满，车停到了消防通道上。建议错时停车，借用附近单位的车位。"
ANSWER = "社区已联系物业和交警：下月起实行错时停车，东侧空地划线新增车位，周三晚交流吧议事。"


def sign_in(page: Page, user, live_url: str) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )


def shot(screenshot, page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays at the top
    screenshot(page, name)


def test_resident_proposes_neighbours_support_staff_answer(
    page: Page, new_page, live_url, regions, make_resident, staff, screenshot
):
    SupportThreshold.objects.create(community=regions[JIEFANG], supporters=4)
    proposer = make_resident(JIEFANG_G1, name="张秀兰")
    neighbours = [make_resident(JIEFANG_G1, name=f"邻居{i}") for i in range(3)]

    # 1. The resident finds 议事 in the navigation and proposes the topic.
    sign_in(page, proposer, live_url)
    page.goto("/deliberation/")
    expect(page.locator("#propose-link")).to_be_visible()
    page.click("#propose-link")
    page.fill("#title", TITLE)
    page.fill("#body", BODY)
    page.select_option("#scope", regions[JIEFANG_G1].code)
    shot(screenshot, page, "deliberation-01-propose-phone")
    page.click("#submit-topic")
    expect(page.locator("#topic-title")).to_have_text(TITLE)
    expect(page.locator("#support-count")).to_have_text("1")
    expect(page.locator("#supported")).to_be_visible()
    topic = Topic.objects.get(title=TITLE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 2. Two neighbours support it; the third does so on their own phone.
    for person in neighbours[:2]:
        services.topic_support(topic=topic, actor=person)
    neighbour_page = new_page()
    sign_in(neighbour_page, neighbours[2], live_url)
    neighbour_page.goto(f"/deliberation/{topic.pk}/")
    expect(neighbour_page.locator("#support-count")).to_have_text("3")
    neighbour_page.click("#do-support")
    expect(neighbour_page.locator("#stage")).to_have_text("已列入议程")
    expect(neighbour_page.locator("#support-count")).to_have_text("4")
    expect(neighbour_page.locator("#timeline")).to_contain_text("附议达到门槛")
    shot(screenshot, neighbour_page, "deliberation-02-threshold-reached-phone")

    # 3. Community staff answer officially at the desk.
    desk = new_page(desktop=True)
    sign_in(desk, staff, live_url)
    desk.goto("/workbench/deliberation/")
    expect(desk.locator(f'#agenda [data-topic="{topic.pk}"]')).to_be_visible()
    desk.click(f'#agenda [data-topic="{topic.pk}"] a')
    desk.click("#do-discuss")
    expect(desk.locator("#stage")).to_have_text("讨论中")
    desk.fill("#comment-body", ANSWER)
    desk.check("#official")
    desk.click("#do-comment")
    expect(desk.locator("#comments .is-official")).to_contain_text(ANSWER)
    shot(screenshot, desk, "deliberation-03-official-answer-desk")

    # 4. The proposer reads the answer on the phone and has it in the inbox.
    page.goto(f"/deliberation/{topic.pk}/")
    official = page.locator("#comments .is-official")
    expect(official).to_contain_text(ANSWER)
    expect(official.locator(".badge.official")).to_have_text("官方答复")
    assert Notification.objects.filter(recipient=proposer, kind="deliberation.answer").exists()
    shot(screenshot, page, "deliberation-04-answer-read-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 5. The list shows the topic on the agenda with its supporters.
    page.goto("/deliberation/")
    card = page.locator(f'#topics [data-topic="{topic.pk}"]')
    expect(card).to_contain_text(TITLE)
    expect(card).to_contain_text("4 人附议")
    shot(screenshot, page, "deliberation-05-list-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
