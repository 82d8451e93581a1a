"""The inbox pages and API: own notifications only; anyone else's answers 404."""

import re

import pytest

from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_resident):
    return make_resident(name="阿丽")


@pytest.fixture
def bob(make_resident):
    return make_resident(name="阿波")


def _notify(user, title, link=""):
    return services.notify(
        recipients=[user], kind="appeal.dispatched", title=title, body=f"{title}的内容", link=link
    )[0]


def test_api_lists_own_notifications_only(alice, bob, api_client):
    mine = _notify(alice, "我的通知", "/me/")
    _notify(bob, "别人的通知")
    client = api_client(alice)
    body = client.get("/api/v1/notifications").json()
    assert [n["title"] for n in body] == ["我的通知"]
    assert body[0] == {
        "id": mine.pk,
        "kind": "appeal.dispatched",
        "title": "我的通知",
        "body": "我的通知的内容",
        "link": "/me/",
        "created_at": body[0]["created_at"],
        "read_at": None,
        "unread": True,
    }
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}


def test_api_read_one_read_all_and_unread_filter(alice, api_client):
    first, second, third = (_notify(alice, t) for t in ("一", "二", "三"))
    client = api_client(alice)
    response = client.post(f"/api/v1/notifications/{first.pk}/read")
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"]
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert [n["id"] for n in unread] == [third.pk, second.pk]
    everything = client.get("/api/v1/notifications").json()
    assert [n["id"] for n in everything] == [third.pk, second.pk, first.pk]
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert client.get("/api/v1/notifications?unread=true").json() == []
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}


def test_api_someone_elses_notification_is_404(alice, bob, api_client):
    theirs = _notify(bob, "别人的通知")
    response = api_client(alice).post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    assert response.json()["code"] == "notification_not_found"
    assert api_client(alice).post("/api/v1/notifications/999999/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_needs_sign_in(client):
    assert client.get("/api/v1/notifications").status_code == 401


def test_inbox_page_marks_unread_and_opening_follows_the_link(alice, login_client):
    old = _notify(alice, "旧的通知")
    services.notification_mark_read(user=alice, notification=old)
    new = _notify(alice, "新的通知", "/me/")
    client = login_client(alice)
    html = client.get("/inbox/").content.decode()
    assert html.index("新的通知") < html.index("旧的通知")  # unread first
    assert f'id="notification-{new.pk}"' in html
    assert html.count('class="badge unverified"') == 1
    assert re.search(r'href="/inbox/"[^>]*>消息 \(1\)</a>', html)  # unread count in the nav

    response = client.get(f"/inbox/{new.pk}/")
    assert response.status_code == 302 and response["Location"] == "/me/"
    new.refresh_from_db()
    assert new.read_at is not None
    assert 'class="badge unverified"' not in client.get("/inbox/").content.decode()


def test_notification_without_link_is_shown_in_full(alice, login_client):
    n = _notify(alice, "停水通知")
    response = login_client(alice).get(f"/inbox/{n.pk}/")
    assert response.status_code == 200
    assert "停水通知的内容" in response.content.decode()


def test_mark_all_read_button(alice, login_client):
    for t in ("一", "二"):
        _notify(alice, t)
    client = login_client(alice)
    assert 'id="mark-all-read"' in client.get("/inbox/").content.decode()
    response = client.post("/inbox/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert 'id="mark-all-read"' not in client.get("/inbox/").content.decode()


def test_page_for_someone_elses_notification_is_404(alice, bob, login_client):
    theirs = _notify(bob, "别人的通知")
    response = login_client(alice).get(f"/inbox/{theirs.pk}/")
    assert response.status_code == 404
    assert "别人的通知" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_pages_need_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_staff_see_the_inbox_in_the_nav_too(make_staff, login_client):
    staff = make_staff("grid_worker", "411702001001001")
    html = login_client(staff).get("/workbench/").content.decode()
    assert 'href="/inbox/"' in html
