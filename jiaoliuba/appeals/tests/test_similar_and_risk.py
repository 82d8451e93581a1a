import datetime as dt
import random

import pytest
from django.utils import translation

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import risk, selectors, services
from jiaoliuba.appeals.choices import Status
from jiaoliuba.appeals.models import Appeal, RiskAlert
from jiaoliuba.appeals.plain import risk_evidence_text
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1, XIPING

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI


@pytest.fixture
def at(monkeypatch):
    state = {}

    def move(when):
        state["now"] = when
        monkeypatch.setattr(clock, "now", lambda: state["now"])
        return when

    return move


def file(regions, user, text, hint=""):
    appeal, _ = services.appeal_submit(
        submitter=user,
        intake=Intake(
            content=text, community=regions[JIEFANG], grid=regions[JIEFANG_G1], type_hint=hint
        ),
    )
    return appeal


def test_similar_open_appeals_are_found_and_plus_one_joins(
    regions, resident, make_resident, staff, api_client
):
    master = file(regions, resident, "小区东门的路灯坏了快一个月了，晚上特别黑，老人走路容易摔")
    file(regions, resident, "想咨询社区老年食堂怎么报名")
    neighbour = make_resident(JIEFANG_G1)
    found = selectors.similar_open_appeals(
        user=neighbour, community=regions[JIEFANG], text="东门路灯坏了一个月了晚上特别黑"
    )
    assert [a.pk for a, _s in found] == [master.pk]
    assert (
        selectors.similar_open_appeals(
            user=neighbour, community=regions[JIEFANG], text="物业费为什么涨这么多"
        )
        == []
    )

    client = api_client(neighbour)
    hits = client.get(
        "/api/v1/appeals/similar",
        {"community": JIEFANG, "content": "东门路灯坏了一个月了晚上特别黑"},
    ).json()
    assert hits[0]["id"] == master.pk and "张秀兰" not in str(hits)
    joined = client.post(f"/api/v1/appeals/{master.pk}/join")
    assert joined.status_code == 201 and joined.json()["status"] == Status.MERGED
    assert client.post(f"/api/v1/appeals/{master.pk}/join").status_code == 409
    # the joiner hears the master's outcome
    handler = master.assignee
    services.appeal_accept(appeal=master, actor=handler)
    services.appeal_resolve(appeal=master, actor=handler, reply="路灯已修好")
    assert Notification.objects.filter(recipient=neighbour, kind="appeal.resolved").exists()


def test_joining_a_closed_matter_is_refused(regions, resident, make_resident, staff):
    master = file(regions, resident, "小区东门的路灯坏了快一个月了")
    services.appeal_reject(appeal=master, actor=staff["community"], reason="重复")
    with pytest.raises(Conflict):
        services.appeal_join(
            master=Appeal.objects.get(pk=master.pk), resident=make_resident(JIEFANG_G1)
        )


def test_cluster_alert_goes_to_street_with_evidence(at, regions, make_resident, staff):
    at(dt.datetime(2026, 11, 20, 9, 0, tzinfo=SH))
    texts = [
        "工地晚上十一点还在打桩，吵得睡不着，孩子明天还要考试",
        "旁边工地半夜还在打桩吵得根本睡不着",
        "工地晚上打桩到半夜十一二点，吵得睡不着觉",
    ]
    appeals, created = [], []
    for hour, text in enumerate(texts):
        at(dt.datetime(2026, 11, 20, 9 + hour, 0, tzinfo=SH))
        appeals.append(file(regions, make_resident(JIEFANG_G1), text))
        created.append(services.appeal_risk_check(appeal_id=appeals[-1].pk))
    assert [len(c) for c in created] == [0, 0, 1]
    alert = RiskAlert.objects.get(kind="cluster")
    assert sorted(alert.evidence["appeals"]) == sorted(a.pk for a in appeals)
    assert Notification.objects.filter(recipient=staff["street"], kind="risk.cluster").exists()
    # a fourth report updates the same alert rather than raising another
    fourth = file(regions, make_resident(JIEFANG_G1), "工地半夜打桩吵得睡不着，已经好几天了")
    services.appeal_risk_check(appeal_id=fourth.pk)
    assert RiskAlert.objects.filter(kind="cluster").count() == 1


def test_repeat_alert_for_one_person(at, regions, resident, staff):
    at(dt.datetime(2026, 11, 1, 9, 0, tzinfo=SH))
    for day, text in enumerate(["楼上漏水到我家", "物业电梯又坏了", "小区门口垃圾没人清"]):
        at(dt.datetime(2026, 11, 1 + day * 5, 9, 0, tzinfo=SH))
        appeal = file(regions, resident, text)
        services.appeal_risk_check(appeal_id=appeal.pk)
    alert = RiskAlert.objects.get(kind="repeat")
    assert alert.evidence["count_30d"] == 3


def test_alerts_are_scoped_and_acknowledged_once(
    at, regions, make_resident, staff, api_client, make_staff
):
    at(dt.datetime(2026, 11, 20, 9, 0, tzinfo=SH))
    for t in ["工地半夜打桩吵得睡不着", "工地半夜还在打桩吵得睡不着", "工地半夜打桩吵死了睡不着"]:
        services.appeal_risk_check(appeal_id=file(regions, make_resident(JIEFANG_G1), t).pk)
    alert = RiskAlert.objects.get()

    assert api_client(make_staff(Role.DISTRICT_OFFICER, XIPING)).get("/api/v1/alerts").json() == []
    street = api_client(staff["street"])
    assert [a["id"] for a in street.get("/api/v1/alerts").json()] == [alert.pk]
    assert street.post(f"/api/v1/alerts/{alert.pk}/ack").status_code == 200
    assert street.post(f"/api/v1/alerts/{alert.pk}/ack").status_code == 409


# --- generated streams: planted events are found, quiet streams stay quiet -------------------

PLACES = [
    "3号楼",
    "5号楼东门",
    "小区北门",
    "菜市场旁边",
    "幼儿园门口",
    "2单元楼道",
    "地下车库",
    "健身广场",
    "老年活动室",
    "12号楼后面",
]
MATTERS = [
    (
        "neighbor",
        [
            "邻居装修电钻声太大",
            "楼上晚上跳绳",
            "对门把鞋柜放楼道里",
            "隔壁狗一直叫",
            "楼上卫生间漏水到我家",
        ],
    ),
    (
        "property",
        ["电梯按钮失灵", "物业保洁不到位", "门禁卡刷不开", "车位被外来车占了", "绿化带没人修剪"],
    ),
    (
        "livelihood",
        [
            "想问低保怎么申请",
            "医保报销流程不清楚",
            "想预约老年体检",
            "孩子上学需要开证明",
            "暖气不太热",
        ],
    ),
    (
        "suggestion",
        [
            "建议增加健身器材",
            "希望多组织读书活动",
            "表扬网格员很负责",
            "建议晚上多开一小时",
            "提议设个共享工具箱",
        ],
    ),
]


def _background(regions, people, days, rng, start):
    """A normal stretch: each day 0–2 appeals, every one a different matter (no matter
    comes back within three days), from random residents and places."""
    pool = [(c, m, p) for c, ms in MATTERS for m in ms for p in PLACES]
    rng.shuffle(pool)
    last_seen: dict[str, int] = {}
    for day in range(days):
        for _ in range(rng.randint(0, 2)):
            category, matter, place = next(x for x in pool if day - last_seen.get(x[1], -99) > 3)
            pool.remove((category, matter, place))
            last_seen[matter] = day
            at_time = start + dt.timedelta(
                days=day, hours=rng.randint(8, 20), minutes=rng.randint(0, 59)
            )
            clock.now = lambda t=at_time: t
            text = f"{place}{matter}，{rng.choice(['麻烦看看', '请尽快处理', '谢谢', '怎么办'])}"
            file(regions, rng.choice(people), text, hint=category)


def _alerts_during(regions, appeals):
    kinds = set()
    for appeal in appeals:
        kinds |= {kind for kind, _k, _e in risk.scan(appeal)}
    return kinds


def test_quiet_streams_raise_no_surge_or_cluster(regions, make_resident, staff, monkeypatch):
    monkeypatch.setattr(clock, "now", clock.now)
    rng = random.Random(1)
    people = [make_resident(JIEFANG_G1) for _ in range(40)]
    start = dt.datetime(2026, 10, 1, tzinfo=SH)
    _background(regions, people, 40, rng, start)
    fired = set()
    for appeal in Appeal.objects.order_by("received_at"):
        clock.now = lambda a=appeal: a.received_at + dt.timedelta(minutes=1)
        fired |= {kind for kind, _k, _e in risk.scan(appeal) if kind != "repeat"}
    assert fired == set()


def _burst_after_a_month(regions, make_resident, seed, minutes):
    """A month of normal appeals, then neighbours' complaints at these minutes past 9:00."""
    rng = random.Random(seed)
    people = [make_resident(JIEFANG_G1) for _ in range(40)]
    start = dt.datetime(2026, 10, 1, tzinfo=SH)
    _background(regions, people, 30, rng, start)
    burst_day = start + dt.timedelta(days=30, hours=9)
    burst = []
    for i, minute in enumerate(minutes):
        t = burst_day + dt.timedelta(minutes=minute)
        clock.now = lambda t=t: t
        burst.append(file(regions, people[i], f"楼上邻居半夜吵闹第{i}次", hint="neighbor"))
    return burst


def test_planted_surge_is_detected(regions, make_resident, staff, monkeypatch):
    monkeypatch.setattr(clock, "now", clock.now)
    burst = _burst_after_a_month(regions, make_resident, 2, [60 * i for i in range(6)])
    kinds = _alerts_during(regions, burst)
    assert "surge" in kinds


def test_a_fast_burst_is_flagged_by_its_fourth_and_says_how_fast(
    regions, make_resident, staff, monkeypatch
):
    monkeypatch.setattr(clock, "now", clock.now)
    burst = _burst_after_a_month(regions, make_resident, 3, (0, 50, 100, 150))  # 2.5 hours
    # Each appeal is checked when it arrives, as the worker does.
    found = [risk.scan(appeal, appeal.received_at) for appeal in burst]
    assert not any(kind == "surge" for scan in found[:3] for kind, _k, _e in scan)
    surge = [e for kind, _k, e in found[3] if kind == "surge"]
    assert surge and surge[0]["count_window"] == 4 and surge[0]["window_hours"] <= 4
    hours = f"{float(surge[0]['window_hours']):.1f}".removesuffix(".0")
    with translation.override("zh-hans"):
        assert f"其中 4 件在 {hours} 小时内" in risk_evidence_text("surge", surge[0])
