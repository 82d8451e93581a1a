import datetime as dt
import io

import pytest
from django.core.management import call_command

from jiaoliuba.accounts import selectors as account_selectors
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile, RoleAssignment, User
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import clock
from jiaoliuba.dashboards import selectors as dashboard_selectors
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.params import baseline_from
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.deliberation.consensus import demo as consensus_demo
from jiaoliuba.deliberation.models import Comment, Topic
from jiaoliuba.deliberation.voting import rewards
from jiaoliuba.demo.loader import DEMO_PASSWORD, DEMO_RESIDENT_PHONE
from jiaoliuba.points import selectors as points_selectors
from jiaoliuba.regions.models import Region

pytestmark = pytest.mark.django_db

COUNTIES = {
    "411702000000": "驿城区",
    "411721000000": "西平县",
    "411722000000": "上蔡县",
    "411723000000": "平舆县",
    "411724000000": "正阳县",
    "411725000000": "确山县",
    "411726000000": "泌阳县",
    "411727000000": "汝南县",
    "411728000000": "遂平县",
    "411729000000": "新蔡县",
}


def test_load_demo_builds_the_city_once():
    call_command("load_demo", "--residents", "60", stdout=io.StringIO())
    counts = (Region.objects.count(), User.objects.count(), ResidentProfile.objects.count())
    call_command("load_demo", "--residents", "60", stdout=io.StringIO())
    assert (Region.objects.count(), User.objects.count(), ResidentProfile.objects.count()) == counts

    city = Region.objects.get(code="411700000000")
    assert city.name == "驻马店市"
    assert dict(Region.objects.filter(parent=city).values_list("code", "name")) == COUNTIES
    # --residents 60, plus the neighbours who vote on the demo consensus map.
    assert ResidentProfile.objects.count() == 60 + consensus_demo.NEIGHBOURS
    for role in Role.values:
        if role != Role.RESIDENT:
            assert RoleAssignment.objects.filter(role=role).exists(), role
    demo = account_selectors.user_by_phone(phone=DEMO_RESIDENT_PHONE)
    assert demo.resident.grid.code == "411702001001001"
    assert User.objects.get(username="grid_worker").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    # 张阿姨's points (the seed's story): 150 earned, 100 spent on the oil she picked up,
    # +3 for attending the legal consultation the bookings demo books for her, +5 for her
    # appeal the grid worker resolved (诉求经确认有价值) and +2 for voting on the canteen,
    # which the worker credits (`make run` starts it right after loading).
    assert points_selectors.balance_of(demo) == 58
    assert rewards.vote_credits_pay() >= 2
    assert points_selectors.balance_of(demo) == 60
    earned = {e.act: e.amount for e in points_selectors.entries_of(demo) if e.act}
    assert (earned["appeal_useful"], earned["vote_cast"]) == (5, 2)
    assert [(r.item.name, r.status) for r in points_selectors.redemptions_of(demo)] == [
        ("食用油一桶（5L）", "fulfilled")
    ]
    assert {i.name for i in points_selectors.store_items_for(demo)} >= {
        "家政保洁一次（2 小时）",
        "端午粽子礼盒",
    }


def test_demo_grid_worker_sees_only_their_grid():
    call_command("load_demo", "--residents", "120", stdout=io.StringIO())
    worker = User.objects.get(username="grid_worker")
    visible = account_selectors.residents_visible_to(worker)
    assert visible.exists()
    assert set(visible.values_list("grid__code", flat=True)) == {"411702001001001"}
    city = User.objects.get(username="city_admin")
    assert account_selectors.residents_visible_to(city).count() == 120 + consensus_demo.NEIGHBOURS


def test_demo_history_gives_the_dashboards_a_year_to_show():
    out = io.StringIO()
    call_command("load_demo", "--residents", "80", stdout=out)
    lines = out.getvalue().splitlines()
    # `make run` shows each step and each month of the replayed history as it goes.
    for step in ("[1/5] regions", "[2/5] staff", "[3/5] residents", "[4/5] appeals"):
        assert any(line.startswith(step) for line in lines), step
    months = [line for line in lines if line.startswith("[5/5] appeal history: month ")]
    assert [line.split("month ")[1].split(",")[0] for line in months] == [
        f"{n}/13" for n in range(1, 14)
    ]
    assert any(line.startswith("[5/5] appeal history (13 months): created ") for line in lines)
    assert lines[-2].startswith("[5/5] 物业费调价 meeting case: created")
    assert lines[-1] == "[5/5] expert pool requests: created"
    assert Appeal.objects.filter(received_at__lt=clock.now() - dt.timedelta(days=300)).exists()
    dashboard_services.rollups_sync()
    street = Region.objects.get(code="411702001000")
    quarter = parse_period("quarter", None, None, today=clock.local_now().date())
    figures = dashboard_selectors.kpi_compare(
        region=street, baseline=baseline_from({}, quarter), current=quarter
    )
    for key in ("received", "satisfaction_rate", "response_hours_mean", "participation_rate"):
        assert figures[key].value is not None and figures[key].previous is not None, key


def test_demo_has_the_seeds_topics_with_support_comments_and_an_answer():
    call_command("load_demo", "--residents", "150", stdout=io.StringIO())
    titles = set(Topic.objects.values_list("title", flat=True))
    for words in (
        "停车难",
        "宠物扰民",
        "楼道堆物",
        "社区食堂如何运营",
        "业委会换届选举",
        "物业费调整",
        "公共收益使用",
    ):
        assert any(words in t for t in titles), words
    parking = Topic.objects.get(title__contains="停车难")
    assert parking.stage == "discussing" and parking.support_count >= 2
    assert Comment.objects.filter(topic=parking, official=True).exists()
    assert Topic.objects.filter(source="assigned", due_at__isnull=False).exists()
    count = Topic.objects.count()
    call_command("load_demo", "--residents", "150", stdout=io.StringIO())
    assert Topic.objects.count() == count
