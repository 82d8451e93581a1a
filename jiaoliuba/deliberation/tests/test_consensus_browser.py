"""In a real browser: on a 390 px phone a resident of 解放路社区 opens the demo question
社区食堂如何运营 from its topic page, votes on statements one at a time, adds one, and —
after the worker's recompute — sees the map with three groups and their own marker. On a
desktop the community worker hides a statement with a reason and closes the question. The
resident reports a statement; the worker hides the demo's reported advertisement from the
moderation queue.
Screenshots in test-artifacts/screenshots/consensus-*."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.choices import Role
from jiaoliuba.deliberation import services as topic_services
from jiaoliuba.deliberation.consensus import demo, services
from jiaoliuba.deliberation.models import ConsensusQuestion, Statement, StatementVote
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.browser


def sign_in_as(page: Page, live_url: str, user) -> None:
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_url}])


def test_phone_votes_one_by_one_and_sees_the_map(
    new_page, live_url, make_staff, make_resident, screenshot, regions
):
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="community_staff")
    topic = topic_services.topic_create(
        actor=staff, title=demo.TOPIC, body="老年食堂怎么办", scope=regions[JIEFANG]
    )
    assert demo.load_consensus_demo()
    question = ConsensusQuestion.objects.get()
    resident = make_resident(JIEFANG_G1, name="张秀兰")

    phone = new_page()
    sign_in_as(phone, live_url, resident)
    phone.goto(f"/deliberation/{topic.pk}/")
    phone.click(f"#consensus-questions a[href='/consensus/{question.pk}/']")
    expect(phone.locator("#question-prompt")).to_have_text(demo.PROMPT)
    screenshot(phone, "consensus-phone-vote")
    for opinion in ("agree", "disagree", "pass", "agree"):
        before = phone.locator("#statement-text").inner_text()
        phone.click(f"#vote-{opinion}")
        expect(phone.locator("#statement-text")).not_to_have_text(before)
    expect(phone.locator("#progress")).to_contain_text("4")
    assert StatementVote.objects.filter(voter=resident).count() == 4
    phone.fill("#statement-body", "菜单每周在交流吧公示")
    phone.click("#add-statement")
    expect(phone.locator(".messages")).to_contain_text("您的观点已添加")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the voting page scrolls sideways on a phone ({width}px)"
    # Reporting the statement on the card, with a reason; it goes to the staff's queue.
    phone.click("#flag summary")
    phone.fill("#flag-reason", "和别的观点重复")
    screenshot(phone, "consensus-phone-report")
    phone.click("#flag-send")
    expect(phone.locator(".messages")).to_contain_text("管理员会查看")

    assert services.maps_refresh() == 1  # what the worker's periodic task does
    phone.click("#to-map")
    expect(phone.locator("#opinion-map ellipse")).to_have_count(3)
    expect(phone.locator("#my-marker")).to_have_count(1)
    expect(phone.locator("#consensus")).to_contain_text("80岁以上和困难老人应享受优惠价")
    expect(phone.locator("#legend")).to_contain_text("您所在的群体")
    screenshot(phone, "consensus-phone-map")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the map page scrolls sideways on a phone ({width}px)"

    desk = new_page(desktop=True)
    sign_in_as(desk, live_url, staff)
    desk.goto("/workbench/deliberation/moderation/")
    advert = Statement.objects.get(body=demo.ADVERT)
    expect(desk.locator(f"#s{advert.pk}")).to_contain_text("推销代金券")
    screenshot(desk, "consensus-desktop-moderation")
    desk.fill(f"#s{advert.pk} input[name=reason]", "广告")
    desk.click(f"#s{advert.pk} button.primary")
    expect(desk.locator(".messages")).to_contain_text("观点已隐藏")
    expect(desk.locator(f"#s{advert.pk}")).to_have_count(0)
    desk.goto(f"/workbench/consensus/{question.pk}/")
    target = Statement.objects.get(body="可以接外卖平台订单，增加收入")
    desk.fill(f"#reason-{target.pk}", "与食堂运营方式重复")
    desk.click(f"#statement-{target.pk} button")
    expect(desk.locator(".messages")).to_contain_text("观点已隐藏")
    desk.click("#do-close")
    expect(desk.locator("#question-status")).to_contain_text("已关闭")
    screenshot(desk, "consensus-desktop-manage")
    services.maps_refresh()
    desk.goto(f"/consensus/{question.pk}/map/")
    expect(desk.locator("#opinion-map ellipse")).to_have_count(3)
    expect(desk.locator("main")).not_to_contain_text("可以接外卖平台订单")
    screenshot(desk, "consensus-desktop-map")
