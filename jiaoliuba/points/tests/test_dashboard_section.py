"""The dashboard's points section against figures worked out by hand from a November
(Shanghai days) of 东风街道, built through the real services:

    解放路社区 (JIEFANG): 张阿姨 (grid 1), 李叔 (grid 2), 王姐 (grid 1)
    健康路社区 (JIANKANG, same street): 赵大爷
    西园街道 (XIYUAN, another street): 孙姐

    Oct 31 23:50  张阿姨 online suggestion +5           (October: out)
    Oct 25        赵大爷 voted +2, the rule says it expires after 10 days → Nov 4
    Nov  2        王姐 +200 by a staff adjustment        (adjusted, not earned)
    Nov  3        张阿姨 suggestion adopted +50 (confirmed by the secretary)
    Nov  5        张阿姨 meeting +10;  the expiry sweep takes 赵大爷's 2 points
    Nov  6        赵大爷 meeting +10;  孙姐 meeting +10 (other street)
    Nov 10        李叔 volunteer +20
    Nov 12/13     王姐 redeems 食用油 (100), picked up the next day
    Nov 14/15     王姐 redeems 肥皂 (street item, 20), cancels: 20 back
    Nov 20        王姐 redeems 肥皂 (20), waiting
    Nov 21        张阿姨 redeems 肥皂 (20), waiting
    Nov 30 23:30  李叔 meeting +10                      (still November in Shanghai)
    Dec  1 00:10  李叔 meeting +10                      (December: out)

    解放路社区, November: earned 50 + 10 + 20 + 10 = 90 by 张阿姨 and 李叔 (2 active
      earners); spent 100 + 20 + 20 + 20 = 160; refunded 20; expired 0; adjusted +200.
      By act: adopted 50 (1×, 1 person); meeting 20 (2×, 2 people); volunteer 20 (1×, 1).
      Redemptions: 食用油 0 waiting, 1 picked up, 0 cancelled, 100 points kept;
      肥皂 2 waiting, 0 picked up, 1 cancelled, 40 points kept (the cancelled 20 went back).
    东风街道, November: earned 90 + 10 (赵大爷) = 100 by 3 earners; expired 2.
    Honours 2026Q4: 张阿姨 社区好声音 confirmed (on the board); 李叔 only nominated (not)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.points import services
from jiaoliuba.points.choices import Act, HonourKind
from jiaoliuba.points.dashboard import points_section, quarters_touched
from jiaoliuba.points.tests.conftest import at
from jiaoliuba.testing.fixtures import (
    DONGFENG,
    JIANKANG,
    JIANKANG_G1,
    JIEFANG,
    JIEFANG_G1,
    JIEFANG_G2,
    XIYUAN_COMMUNITY,
)

pytestmark = pytest.mark.django_db

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def november(regions, make_resident, make_staff):
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG)
    secretary = make_staff(Role.COMMUNITY_SECRETARY, JIEFANG)
    street = make_staff(Role.STREET_OFFICER, DONGFENG)
    city = make_staff(Role.CITY_ADMIN, "411700000000")
    zhang, li, wang = (
        make_resident(JIEFANG_G1, name="张阿姨"),
        make_resident(JIEFANG_G2, name="李叔"),
        make_resident(JIEFANG_G1, name="王姐"),
    )
    zhao = make_resident(JIANKANG_G1, name="赵大爷")
    sun = make_resident(f"{XIYUAN_COMMUNITY}001", name="孙姐")

    def earn(user, act, source, when, by=None):
        with clock.pinned(when):
            services.points_award(user=user, act=act, source=source, confirmed_by=by)

    services.points_rule_save(actor=city, act=Act.VOTE_CAST, expiry_days=10)
    earn(zhang, Act.SUGGESTION_ONLINE, "bench", at(2026, 10, 31, 23, 50))
    earn(zhao, Act.VOTE_CAST, "vote-1", at(2026, 10, 25, 9))
    with clock.pinned(at(2026, 11, 2, 9)):
        services.points_adjust(actor=staff, user=wang, amount=200, reason="补录线下活动积分")
    earn(zhang, Act.SUGGESTION_ADOPTED, "room", at(2026, 11, 3, 9), secretary)
    earn(zhang, Act.MEETING_ATTENDED, "meeting-1", at(2026, 11, 5, 9))
    assert services.points_expire_sweep(now=at(2026, 11, 5, 10)) == 2
    earn(zhao, Act.MEETING_ATTENDED, "meeting-2", at(2026, 11, 6, 9))
    earn(sun, Act.MEETING_ATTENDED, "meeting-3", at(2026, 11, 6, 9))
    earn(li, Act.VOLUNTEER_SHIFT, "flood", at(2026, 11, 10, 9))
    with clock.pinned(at(2026, 11, 1, 8)):
        oil = services.store_item_save(
            actor=staff, region=regions[JIEFANG], name="食用油", price=100, stock=5
        )
        soap = services.store_item_save(
            actor=street, region=regions[DONGFENG], name="肥皂", price=20, stock=5
        )
    with clock.pinned(at(2026, 11, 12, 9)):
        first = services.redemption_place(user=wang, item=oil)
    with clock.pinned(at(2026, 11, 13, 9)):
        services.redemption_fulfil(actor=staff, redemption=first, code=first.pickup_code)
    with clock.pinned(at(2026, 11, 14, 9)):
        dropped = services.redemption_place(user=wang, item=soap)
    with clock.pinned(at(2026, 11, 15, 9)):
        services.redemption_cancel(actor=wang, redemption=dropped)
    with clock.pinned(at(2026, 11, 20, 9)):
        services.redemption_place(user=wang, item=soap)
    with clock.pinned(at(2026, 11, 21, 9)):
        services.redemption_place(user=zhang, item=soap)
    earn(li, Act.MEETING_ATTENDED, "meeting-4", at(2026, 11, 30, 23, 30))
    earn(li, Act.MEETING_ATTENDED, "meeting-5", at(2026, 12, 1, 0, 10))
    with clock.pinned(at(2026, 12, 2, 9)):
        voice = services.honour_nominate(
            actor=staff,
            community=regions[JIEFANG],
            quarter="2026Q4",
            kind=HonourKind.GOOD_VOICE,
            user=zhang,
            citation="建议把空地改成老年活动室",
        )
        services.honour_confirm(actor=secretary, honour=voice)
        services.honour_nominate(
            actor=staff,
            community=regions[JIEFANG],
            quarter="2026Q4",
            kind=HonourKind.BEST_VOLUNTEER,
            user=li,
        )
    return {"zhang": zhang, "li": li, "street": street, "staff": staff}


def test_the_community_figures_match_the_hand_count(november, regions):
    section = points_section(regions[JIEFANG].path, *NOV)
    assert (section.earned, section.spent, section.refunded) == (90, 160, 20)
    assert (section.expired, section.adjusted, section.active_earners) == (0, 200, 2)
    assert [(r["act"], r["points"], r["entries"], r["people"]) for r in section.by_act] == [
        ("suggestion_adopted", 50, 1, 1),
        ("meeting_attended", 20, 2, 2),
        ("volunteer_shift", 20, 1, 1),
    ]
    assert [
        (r["item"], r["placed"], r["fulfilled"], r["cancelled"], r["points"])
        for r in section.redemptions
    ] == [("食用油", 0, 1, 0, 100), ("肥皂", 2, 0, 1, 40)]
    assert section.redemption_totals == {"placed": 2, "fulfilled": 1, "cancelled": 1, "points": 140}
    assert [(h.user, h.kind) for h in section.honours] == [(november["zhang"], "good_voice")]


def test_the_street_adds_its_other_community_and_a_grid_only_its_own(november, regions):
    street = points_section(regions[DONGFENG].path, *NOV)
    assert (street.earned, street.active_earners, street.expired) == (100, 3, 2)
    grid = points_section(regions[JIEFANG_G2].path, *NOV)
    assert (grid.earned, grid.spent, grid.active_earners) == (30, 0, 1)  # 李叔 only
    assert grid.redemptions == [] and grid.honours == []
    december = points_section(regions[JIEFANG].path, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert (december.earned, december.active_earners) == (10, 1)
    assert [h.user for h in december.honours] == [november["zhang"]]  # still 2026Q4
    assert quarters_touched(dt.date(2026, 9, 20), dt.date(2027, 1, 5)) == [
        "2026Q3",
        "2026Q4",
        "2027Q1",
    ]


def test_the_overview_shows_the_section_within_scope_only(november, regions, client, make_staff):
    client.force_login(november["street"])
    with clock.pinned(at(2026, 12, 2, 9)):
        page = client.get(
            "/dashboards/",
            {"region": regions[JIEFANG].pk, "period": "month", "start": "2026-11-01"},
        )
        assert page.status_code == 200
        body = page.content.decode()
        section = body.split('id="points-section"')[1].split("</section>")[0]
        assert 'data-figure="earned"><span>获得积分</span><b>90</b>' in section
        assert 'data-figure="active"><span>活跃得分居民</span><b>2</b>' in section
        assert "张阿姨" in section and "李叔" not in section.split('id="points-honours"')[1]
        client.force_login(make_staff(Role.COMMUNITY_STAFF, JIANKANG))
        outside = client.get("/dashboards/", {"region": regions[JIEFANG].pk})
        assert outside.status_code == 404


def test_without_the_section_configured_the_overview_has_none(november, regions, client, settings):
    sources = {k: v for k, v in settings.DASHBOARD_SOURCES.items() if k != "panels"}
    client.force_login(november["street"])
    with override_settings(DASHBOARD_SOURCES=sources), clock.pinned(at(2026, 12, 2, 9)):
        body = client.get("/dashboards/", {"region": regions[JIEFANG].pk}).content.decode()
    assert 'id="points-section"' not in body and 'id="kpi-table"' in body
