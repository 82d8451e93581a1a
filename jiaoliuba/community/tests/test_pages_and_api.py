"""The community page (public, escaped, the venue slot empty without venues), the desk,
the navigation and the API under /api/v1/community/."""

from __future__ import annotations

import json

import pytest

from jiaoliuba.community import services
from jiaoliuba.community.choices import NoticeKind
from jiaoliuba.community.models import NoticeReceipt, Wish
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.django_db


def _publish(staff, region, title="居民议事会邀请"):
    channel = services.channel_ensure(region=region)
    notice = services.notice_create(
        actor=staff, channel=channel, kind=NoticeKind.MEETING, title_text=title, body="周三晚七点"
    )
    return services.notice_publish(actor=staff, notice=notice)


def test_the_public_page_shows_each_section_escaped(client, staff, people, community, regions):
    _publish(staff, community, title="<b>停水</b>通知")
    services.wish_post(
        actor=people["zhang"], community=community, title_text="<img src=x onerror=alert(1)>"
    )
    html = client.get(f"/community/{community.pk}/").content.decode()
    for anchor in (
        'id="group"',
        'id="notices"',
        'id="wishes"',
        'id="ideas"',
        'id="stories"',
        'id="board"',
    ):
        assert anchor in html
    assert "&lt;b&gt;停水&lt;/b&gt;通知" in html and "<b>停水</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "VENUE SLOT" not in html  # a comment, and venues is not installed
    assert f"/community/{community.pk}/qr.svg" in html
    # Forms only for residents of the community; a grid is not a community.
    assert 'id="wish-form"' not in html
    assert client.get(f"/community/{regions[JIEFANG_G1].pk}/").status_code == 404
    qr = client.get(f"/community/{community.pk}/qr.svg")
    assert qr.status_code == 200 and qr.content.startswith(b"<svg")


def test_resident_reads_replies_and_posts_through_pages(login_client, staff, people, community):
    notice = _publish(staff, community)
    zhang = login_client(people["zhang"])
    page = zhang.get(f"/community/{community.pk}/").content.decode()
    assert 'id="wish-form"' in page and "unread" in page
    assert zhang.get(f"/community/notices/{notice.pk}/").status_code == 200
    assert NoticeReceipt.objects.get(notice=notice, user=people["zhang"]).read_at is not None
    zhang.post(f"/community/notices/{notice.pk}/", {"action": "reply", "body": "我会参加"})
    assert notice.replies.get().body == "我会参加"
    response = zhang.post(f"/community/{community.pk}/wishes/", {"title": "", "body": ""})
    assert response.status_code == 302 and not Wish.objects.exists()
    zhang.post(f"/community/{community.pk}/wishes/", {"title": "教我用智能手机"})
    assert Wish.objects.get().title == "教我用智能手机"
    # Staff see the counts; the resident does not.
    staff_html = login_client(staff).get(f"/community/notices/{notice.pk}/").content.decode()
    assert 'id="read-count">1<' in staff_html and 'id="sent-count">4<' in staff_html
    assert 'id="read-count"' not in zhang.get(f"/community/notices/{notice.pk}/").content.decode()


def test_desk_is_for_staff_of_the_community(
    login_client, staff, people, community, neighbour, make_staff
):
    desk = login_client(staff)
    assert desk.get(f"/community/{community.pk}/desk/").status_code == 200
    desk.post(
        f"/community/{community.pk}/desk/",
        {
            "action": "send",
            "channel": community.pk,
            "kind": "policy",
            "scope": "community",
            "title": "医保缴费提醒",
            "body": "12 月底前缴纳",
        },
    )
    assert NoticeReceipt.objects.count() == 4
    other = login_client(make_staff("community_staff", "411702001002"))
    assert other.get(f"/community/{community.pk}/desk/").status_code == 404
    assert login_client(people["zhang"]).get(f"/community/{community.pk}/desk/").status_code == 404


def test_navigation_has_few_primary_entries_and_the_community(
    login_client, people, staff, community
):
    html = login_client(people["zhang"]).get("/appeals/").content.decode()
    nav = html[html.index('<nav class="nav"') : html.index("</nav>")]
    primary = nav[: nav.index('<details class="nav-more">')]
    assert primary.count("<a ") <= 6
    assert f'href="/community/{community.pk}/"' in primary
    assert 'href="/me/"' in nav[nav.index("nav-more-menu") :]  # 我的主页 under 更多
    staff_html = login_client(staff).get("/workbench/").content.decode()
    staff_nav = staff_html[staff_html.index('<nav class="nav"') : staff_html.index("</nav>")]
    assert staff_nav[: staff_nav.index("nav-more")].count("<a ") <= 6
    assert f'href="/community/{community.pk}/desk/"' in staff_nav


def test_api(api_client, staff, people, volunteer, community):
    zhang = api_client(people["zhang"])
    created = api_client(staff).post(
        f"/api/v1/community/channels/{community.pk}/notices",
        json.dumps({"kind": "weather", "title": "大风预警", "body": "收好阳台物品"}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    notice = created.json()
    assert notice["counts"] == {"total": 4, "read": 0, "unread": 4}
    read = zhang.get(f"/api/v1/community/notices/{notice['id']}").json()
    assert read["read_at"] is not None and read["counts"] is None
    mine = zhang.get("/api/v1/community/notices/mine").json()
    assert [n["id"] for n in mine] == [notice["id"]]
    reply = zhang.post(
        f"/api/v1/community/notices/{notice['id']}/replies",
        json.dumps({"body": "收到"}),
        content_type="application/json",
    )
    assert reply.status_code == 201 and reply.json()["author"] == "张*"
    outsider = api_client(people["next_door"]).post(
        f"/api/v1/community/notices/{notice['id']}/replies",
        json.dumps({"body": "收到"}),
        content_type="application/json",
    )
    assert outsider.status_code == 403
    wish = zhang.post(
        f"/api/v1/community/{community.pk}/wishes",
        json.dumps({"title": "帮忙换灯泡"}),
        content_type="application/json",
    ).json()
    claimed = api_client(volunteer).post(f"/api/v1/community/wishes/{wish['id']}/claim")
    assert claimed.json()["status"] == "claimed"
    again = api_client(volunteer).post(f"/api/v1/community/wishes/{wish['id']}/claim")
    assert again.status_code == 409 and again.json()["message_en"]
    page = zhang.get(f"/api/v1/community/{community.pk}").json()
    assert page["name"] == community.name and page["wishes"][0]["claimed_by"]
    assert zhang.get("/api/v1/community/999999").status_code == 404
    spec = zhang.get("/api/v1/openapi.json").json()
    assert "/api/v1/community/{region_id}" in spec["paths"]
