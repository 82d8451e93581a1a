"""The demo's community life in 解放路社区: notices with receipts and replies, a wish wall,
a 金点子榜 shown with consent and two published stories; loading twice adds nothing."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.community import selectors
from jiaoliuba.community.demo import load_community_demo
from jiaoliuba.community.models import Idea, Notice, NoticeReceipt, NoticeReply, Story, Wish
from jiaoliuba.points.models import PointsAccount
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


def test_demo_community_life(make_staff, make_resident, regions, client):
    make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="community_staff")
    make_staff(Role.COMMUNITY_SECRETARY, JIEFANG, username="secretary")
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid_worker")
    make_staff(Role.VOLUNTEER, JIEFANG, username="volunteer")
    people = [make_resident(JIEFANG_G1, name=f"居民{i}") for i in range(20)]
    ResidentProfile.objects.filter(user__in=people[:6]).update(address="3号楼1单元101室")
    assert load_community_demo() == 4
    assert load_community_demo() == 0  # idempotent
    community = regions[JIEFANG]
    warning = Notice.objects.get(kind="weather")
    assert warning.recipients == 20
    assert NoticeReceipt.objects.filter(notice=warning, read_at__isnull=False).count() == 17
    water = Notice.objects.get(building="3号楼")
    assert water.recipients == 6
    assert NoticeReply.objects.filter(notice=warning).count() == 3
    assert NoticeReply.objects.filter(notice=warning, official=True).count() == 1
    assert sorted(Wish.objects.values_list("status", flat=True)) == [
        "claimed",
        "fulfilled",
        "fulfilled",
        "posted",
        "posted",
    ]
    board = list(selectors.idea_board(community=community))
    assert len(board) == 2 and Idea.objects.filter(status="adopted").count() == 3
    assert PointsAccount.objects.get(user=board[0].author).balance >= 50
    assert Story.objects.filter(status="published").count() == 2
    html = client.get(f"/community/{community.pk}/").content.decode()
    assert "防汛预警" in html and "读报的周六" in html and "闲置活动室改成老年助餐点" in html
