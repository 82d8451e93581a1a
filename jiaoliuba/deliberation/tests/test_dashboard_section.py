"""The dashboard's "议事" section against figures worked out by hand.

The story (all times Beijing time; the clock is pinned at 2 Dec 2026 10:00 at the end):

东风街道 (street)
├── 解放路社区 (community; grids G1, G2)
└── 健康路社区 (community)

Topics                                                  period   source     stage now
  T0  解放路 community topic        31 Oct 23:50           Oct      community  proposed
  T1  resident at G1               3 Nov                  Nov      resident   proposed
  T2  解放路 community topic        10 Nov (withdrawn)      Nov      community  withdrawn
  T3  解放路 community topic        8 Nov, voted, decided   Nov      community  decided
  T4  健康路 assigned by the street 30 Nov 23:30          Nov      assigned   proposed
  T5  resident at G2               1 Dec 00:10            Dec      resident   proposed
Meetings                                                concluded
  M0  解放路 regular                15 Oct                 Oct
  M1  解放路 regular                5 Nov                  Nov
  M2  东风街道 joint (street level)  20 Nov                 Nov (street only, in no community)
  M3  健康路 emergency              30 Nov 23:00 → 1 Dec 01:00   Dec
  M4  解放路 regular, cancelled      6 Nov                  never
Resolutions
  R1  of M1 (解放路): adopted and published 5 Nov, in effect 13 Nov
  R2  of M2 (东风街道): adopted and published 20 Nov, an objection upheld, returned 28 Nov
Milestones of R1                     due      done              November
  S1                                14 Nov   14 Nov 23:00       on time
  S2                                15 Nov   16 Nov 00:30       late
  S3                                20 Nov   never              late (overdue)
  S4                                25 Nov   13 Nov 09:00       on time (early)
  S5                                 5 Dec   never              December: not due yet
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.dashboards.sections import section_tables
from jiaoliuba.deliberation import services as topic_services
from jiaoliuba.deliberation.dashboard import deliberation_section
from jiaoliuba.deliberation.meetings import resolutions as rs
from jiaoliuba.deliberation.meetings import services as ms
from jiaoliuba.testing.fixtures import (
    DONGFENG,
    JIANKANG,
    JIEFANG,
    JIEFANG_G1,
    JIEFANG_G2,
)

pytestmark = pytest.mark.django_db

SH = clock.SHANGHAI
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def at(monkeypatch):
    def move(*args):
        when = dt.datetime(*args, tzinfo=SH)
        monkeypatch.setattr(clock, "now", lambda: when)
        return when

    return move


def _meeting(at, actor, scope, kind, title, starts, concluded=None):
    at(*starts)
    meeting = ms.meeting_schedule(
        actor=actor,
        title=title,
        kind=kind,
        scope=scope,
        starts_at=clock.now() + dt.timedelta(minutes=5),
        place="交流吧",
    )
    if concluded is None:
        return meeting
    meeting = ms.meeting_start(meeting=meeting, actor=actor)
    at(*concluded)
    return ms.meeting_conclude(meeting=meeting, actor=actor)


@pytest.fixture
def story(at, regions, make_staff, make_resident):
    cadre = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="sec-cadre")
    kang = make_staff(Role.COMMUNITY_STAFF, JIANKANG, username="sec-kang")
    street = make_staff(Role.STREET_OFFICER, DONGFENG, username="sec-street")
    g1 = make_resident(JIEFANG_G1, name="居民甲")
    g2 = make_resident(JIEFANG_G2, name="居民乙")

    def topic(when, actor, scope, **kwargs):
        at(*when)
        title, body = "加装电梯的费用分摊", "一楼和顶楼意见不一，请大家商量。"
        if kwargs.pop("resident", False):
            return topic_services.topic_propose(
                actor=actor, title=title, body=body, scope=regions[scope]
            )
        return topic_services.topic_create(
            actor=actor, title=title, body=body, scope=regions[scope], **kwargs
        )

    topic((2026, 10, 31, 23, 50), cadre, JIEFANG)  # T0
    topic((2026, 11, 3, 9, 0), g1, JIEFANG_G1, resident=True)  # T1
    t2 = topic((2026, 11, 10, 9, 0), cadre, JIEFANG)
    topic_services.topic_withdraw(topic=t2, actor=cadre, reason="与另一议题重复")
    t3 = topic((2026, 11, 8, 9, 0), cadre, JIEFANG)
    t3 = topic_services.topic_start_voting(topic=t3, actor=cadre)
    at(2026, 11, 9, 9, 0)
    topic_services.topic_decide(topic=t3, actor=cadre, outcome="按楼层系数分摊")
    topic(
        (2026, 11, 30, 23, 30),
        street,
        JIANKANG,
        source="assigned",
        due_at=dt.datetime(2026, 12, 30, tzinfo=SH),
    )  # T4
    topic((2026, 12, 1, 0, 10), g2, JIEFANG_G2, resident=True)  # T5

    _meeting(
        at, cadre, regions[JIEFANG], "regular", "十月议事会", (2026, 10, 15, 9), (2026, 10, 15, 11)
    )
    m1 = _meeting(
        at, cadre, regions[JIEFANG], "regular", "十一月议事会", (2026, 11, 5, 9), (2026, 11, 5, 11)
    )
    m2 = _meeting(
        at, street, regions[DONGFENG], "joint", "联席会议", (2026, 11, 20, 9), (2026, 11, 20, 11)
    )
    _meeting(
        at, kang, regions[JIANKANG], "emergency", "紧急议事会", (2026, 11, 30, 22), (2026, 12, 1, 1)
    )
    m4 = _meeting(at, cadre, regions[JIEFANG], "regular", "取消的会", (2026, 11, 6, 9))
    ms.meeting_cancel(meeting=m4, actor=cadre, reason="改期")

    at(2026, 11, 5, 11, 30)
    r1 = rs.resolution_adopt(meeting=m1, actor=cadre, title="物业费调价决议", text_="上调10%")
    r1 = rs.resolution_publish(resolution=r1, actor=cadre)
    at(2026, 11, 13, 8, 0)
    r1 = rs.resolution_end_publicity(resolution=r1, actor=None)
    milestones = {}
    for name, due in (
        ("S1", dt.date(2026, 11, 14)),
        ("S2", dt.date(2026, 11, 15)),
        ("S3", dt.date(2026, 11, 20)),
        ("S4", dt.date(2026, 11, 25)),
        ("S5", dt.date(2026, 12, 5)),
    ):
        milestones[name] = rs.milestone_add(resolution=r1, actor=cadre, title=name, due_on=due)

    def complete(name, *when):
        at(*when)
        rs.progress_report(milestone=milestones[name], actor=cadre, text_="完成", completes=True)

    complete("S4", 2026, 11, 13, 9, 0)
    complete("S1", 2026, 11, 14, 23, 0)
    complete("S2", 2026, 11, 16, 0, 30)

    at(2026, 11, 20, 11, 30)
    r2 = rs.resolution_adopt(meeting=m2, actor=street, title="街道联席决议", text_="统一标准")
    r2 = rs.resolution_publish(resolution=r2, actor=street)
    objection = rs.objection_raise(resolution=r2, actor=g1, text_="没有征求业主意见")
    rs.objection_answer(objection=objection, actor=street, answer="确有遗漏", uphold=True)
    at(2026, 11, 28, 9, 0)
    rs.resolution_end_publicity(resolution=r2, actor=None)

    at(2026, 12, 2, 10, 0)
    return {"cadre": cadre, "street": street}


NOVEMBER_DONGFENG = {
    "topics": 4,  # T1–T4
    "topics_resident": 1,
    "topics_community": 2,
    "topics_assigned": 1,
    "topics_open": 2,  # T1, T4
    "topics_decided": 1,  # T3
    "topics_dropped": 1,  # T2
    "meetings": 2,  # M1, M2 (M3 ended on 1 Dec, M4 cancelled)
    "meetings_regular": 1,
    "meetings_joint": 1,
    "meetings_emergency": 0,
    "resolutions_adopted": 2,
    "resolutions_published": 2,
    "resolutions_effective": 1,  # R1
    "resolutions_returned": 1,  # R2
    "milestones_on_time": 2,  # S1, S4
    "milestones_late": 2,  # S2 (done after its day), S3 (overdue)
    "milestones_not_due": 0,
}

OCTOBER_DONGFENG = {  # T0 and M0
    "topics": 1,
    "topics_community": 1,
    "topics_open": 1,
    "meetings": 1,
    "meetings_regular": 1,
}


def _count(regions, within, level_of, start, end):
    """The provider's answer keyed by region code, for nodes as deep as `level_of`."""
    paths = {region.path: code for code, region in regions.items()}
    found = deliberation_section.count(
        regions[within].path, len(regions[level_of].path), start, end
    )
    return {paths[node]: counts for node, counts in found.items()}


def test_provider_counts_by_hand(story, regions):
    nov = _count(regions, DONGFENG, DONGFENG, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert nov == {DONGFENG: NOVEMBER_DONGFENG}
    oct_ = _count(regions, DONGFENG, DONGFENG, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert {k: v for k, v in oct_[DONGFENG].items() if v} == OCTOBER_DONGFENG
    dec = _count(regions, DONGFENG, DONGFENG, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    december = dec[DONGFENG]
    # T5; M3 (emergency, ended 01:00 on 1 Dec); S5 due 5 Dec, today is 2 Dec.
    assert (december["topics"], december["topics_resident"]) == (1, 1)
    assert (december["meetings"], december["meetings_emergency"]) == (1, 1)
    assert (december["milestones_not_due"], december["milestones_late"]) == (1, 0)


def test_by_community_leaves_the_street_level_items_out(story, regions):
    nov = _count(regions, DONGFENG, JIEFANG, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert nov[JIEFANG]["topics"] == 3  # T1 (at its grid), T2, T3
    assert nov[JIEFANG]["meetings"] == 1  # M1; M2 sits at the street
    assert nov[JIEFANG]["resolutions_adopted"] == 1  # R1
    assert (nov[JIEFANG]["milestones_on_time"], nov[JIEFANG]["milestones_late"]) == (2, 2)
    assert {k: v for k, v in nov[JIANKANG].items() if v} == {
        "topics": 1,
        "topics_assigned": 1,
        "topics_open": 1,
    }
    by_grid = _count(regions, JIEFANG, JIEFANG_G1, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert set(by_grid) == {JIEFANG_G1}  # T1; everything else sits at the community
    assert by_grid[JIEFANG_G1]["topics"] == 1


def test_section_table_with_previous_period_and_areas(story, regions):
    period = parse_period("month", "2026-11-01", None, today=TODAY)
    (table,) = section_tables(region=regions[DONGFENG], period=period)
    lines = {line.key: line for line in table.lines}
    for key, value in NOVEMBER_DONGFENG.items():
        assert lines[key].value == value, key
    assert lines["topics"].previous == 1
    assert lines["topics"].change_percent == pytest.approx(300.0)  # 1 → 4
    assert lines["meetings"].change_percent == pytest.approx(100.0)  # 1 → 2
    assert lines["resolutions_adopted"].change_percent is None  # nothing before: no change
    rate = lines["milestone_on_time_rate"]
    assert (rate.value, rate.numerator, rate.denominator) == (pytest.approx(0.5), 2, 4)
    assert rate.previous is None and rate.previous_shown == "—"  # no milestone due in October
    assert rate.shown == "50.0%"
    areas = {area.region.code: area.values for area in table.areas}
    assert areas[JIEFANG] == {
        "topics": 3,
        "meetings": 1,
        "resolutions_adopted": 1,
        "milestone_on_time_rate": 0.5,
    }
    assert areas[JIANKANG] == {
        "topics": 1,
        "meetings": 0,
        "resolutions_adopted": 0,
        "milestone_on_time_rate": None,
    }


def _signed_in(user):
    # Signed in past both steps (the password and the second factor are tested in accounts).
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    return client


def test_page_and_api_show_the_section_in_scope_only(story, regions):
    street = _signed_in(story["street"])
    query = f"region={regions[DONGFENG].pk}&period=month&start=2026-11-01"
    page = street.get(f"/dashboards/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="section-deliberation"' in html
    assert 'data-line="milestone_on_time_rate"' in html and "50.0%" in html
    answer = street.get(f"/api/v1/dashboards/sections?{query}")
    assert answer.status_code == 200
    (section,) = answer.json()["sections"]
    values = {line["key"]: line["value"] for line in section["lines"]}
    assert values["topics"] == 4 and values["meetings"] == 2
    assert values["milestone_on_time_rate"] == pytest.approx(0.5)
    topics_by_area = {a["region"]["code"]: a["values"]["topics"] for a in section["areas"]}
    assert (topics_by_area.pop(JIEFANG), topics_by_area.pop(JIANKANG)) == (3, 1)
    assert set(topics_by_area.values()) == {0}  # the street's other community
    # The community's staff see their own community, never the street.
    cadre = _signed_in(story["cadre"])
    assert cadre.get(f"/api/v1/dashboards/sections?{query}").status_code == 404
    assert cadre.get(f"/dashboards/?{query}").status_code == 404
    own = cadre.get("/api/v1/dashboards/sections?period=month&start=2026-11-01").json()
    assert own["region"]["code"] == JIEFANG
    assert {line["key"]: line["value"] for line in own["sections"][0]["lines"]}["topics"] == 3
