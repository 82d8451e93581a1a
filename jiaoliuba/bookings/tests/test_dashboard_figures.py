"""服务精准度, satisfaction with services and 参与率 on the dashboard, against figures
worked out by hand from a November of 解放路社区 built through the real services.

    S1 法律咨询 Nov 18, capacity 3: r0, r1, r2 book, r3 waits; r2 cancels and r3 moves
       up; r0 and r3 check in; staff close the list, so r1 did not come.
    S2 邻里节 Nov 25, capacity 10, by volunteer r5: r4 books 2 seats and comes.
    S3 Nov 28, capacity 5: called off (not held: out of the figure).
    S4 Dec 3, capacity 5: r0 books (December's figure, not November's).

    服务精准度 (Nov) = attended seats ÷ capacity of sessions held = (2 + 2) ÷ (3 + 10) = 4/13
    satisfaction with services = r0 satisfied, r3 dissatisfied, r4 basically = 2/3
    参与率 (Nov): r0 (booked, came), r3 (promoted, came), r4 (came), r5 (volunteered) of
       the 6 residents registered = 4/6; r1 (no-show) and r2 (cancelled) took no part."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.bookings import services
from jiaoliuba.bookings.choices import ProviderKind, ServiceKind
from jiaoliuba.bookings.tests.conftest import local
from jiaoliuba.core import clock
from jiaoliuba.dashboards import selectors
from jiaoliuba.dashboards.periods import parse_period
from jiaoliuba.dashboards.presenters import figure_row
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1, XIYUAN, XIYUAN_COMMUNITY

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)
NOVEMBER = parse_period("month", "2026-11-01", None, today=TODAY)
DAY = dt.timedelta(days=1)


def _session(staff, service, day, capacity):
    with clock.pinned(local(dt.date(2026, 11, 1), 9)):
        return services.session_create(
            actor=staff,
            service=service,
            starts_at=local(day, 19),
            ends_at=local(day, 20, 30),
            capacity=capacity,
        )


@pytest.fixture
def november(regions, staff, service, make_resident):
    with clock.pinned(local(dt.date(2026, 10, 1), 9)):
        r = [make_resident(JIEFANG_G1, name=f"居民{i}") for i in range(6)]
    ResidentProfile.objects.filter(user__in=r).update(created_at=local(dt.date(2026, 10, 1), 9))
    with clock.pinned(local(dt.date(2026, 11, 1), 9)):
        fair = services.service_create(
            actor=staff,
            region=regions[JIEFANG],
            title="邻里节",
            kind=ServiceKind.ACTIVITY,
            provider_kind=ProviderKind.VOLUNTEER,
            provider_user=r[5],
            place="广场",
            max_seats=2,
        )
    s1 = _session(staff, service, dt.date(2026, 11, 18), 3)
    s2 = _session(staff, fair, dt.date(2026, 11, 25), 10)
    s3 = _session(staff, service, dt.date(2026, 11, 28), 5)
    s4 = _session(staff, service, dt.date(2026, 12, 3), 5)
    with clock.pinned(local(dt.date(2026, 11, 16), 9)):
        b = [services.booking_reserve(actor=r[i], session=s1) for i in range(4)]
        services.booking_cancel(actor=r[2], booking=b[2])  # r3 moves up
    with clock.pinned(local(dt.date(2026, 11, 18), 19)):
        for i in (0, 3):
            services.booking_check_in(actor=staff, booking=b[i])
    with clock.pinned(local(dt.date(2026, 11, 18), 21)):
        services.session_close(actor=staff, session=s1)
        services.booking_rate(actor=r[0], booking=b[0], rating="satisfied")
        services.booking_rate(actor=r[3], booking=b[3], rating="dissatisfied")
    with clock.pinned(local(dt.date(2026, 11, 24), 9)):
        fair_booking = services.booking_reserve(actor=r[4], session=s2, seats=2)
        services.booking_reserve(actor=r[1], session=s3)
    with clock.pinned(local(dt.date(2026, 11, 25), 19)):
        services.booking_check_in(actor=r[4], booking=fair_booking)
    with clock.pinned(local(dt.date(2026, 11, 25), 21)):
        services.session_close(actor=staff, session=s2)
        services.booking_rate(actor=r[4], booking=fair_booking, rating="basic")
    with clock.pinned(local(dt.date(2026, 11, 26), 9)):
        services.session_cancel(actor=staff, session=s3)
        services.booking_reserve(actor=r[0], session=s4)
    return r


def _figures(code, period=NOVEMBER):
    with clock.pinned(local(TODAY, 12)):
        return selectors.kpi_figures(region=Region.objects.get(code=code), period=period)


def test_service_precision_satisfaction_and_participation_by_hand(november):
    for code in (JIEFANG, DONGFENG):  # the street sees the same sessions
        figures = _figures(code)
        precision = figures["service_precision"]
        assert (precision.numerator, precision.denominator) == (4, 13)
        assert precision.value == pytest.approx(4 / 13)
        assert precision.extra == {"satisfaction": pytest.approx(2 / 3), "satisfied": 2, "rated": 3}
        assert figure_row(precision)["shown"] == "30.8%"
        assert figure_row(precision)["satisfaction_shown"] == "66.7%"
    participation = _figures(JIEFANG)["participation_rate"]
    assert (participation.numerator, participation.denominator) == (4, 6)
    # The month before had sessions neither held nor booked: a dash, not 0%.
    assert _figures(JIEFANG)["service_precision"].previous is None
    # Another street has nothing: "—".
    assert _figures(XIYUAN)["service_precision"].value is None


def test_december_holds_only_what_has_been_held(november):
    december = parse_period("month", "2026-12-01", None, today=TODAY)
    # S4 (Dec 3) has not been held on Dec 2: nothing offered yet, so "—".
    assert _figures(JIEFANG, december)["service_precision"].value is None
    # On the evening of Dec 3 (the month so far runs to that day) it has been held.
    december = parse_period("month", "2026-12-01", None, today=dt.date(2026, 12, 3))
    with clock.pinned(local(dt.date(2026, 12, 3), 21)):
        figures = selectors.kpi_figures(region=Region.objects.get(code=JIEFANG), period=december)
    assert (figures["service_precision"].numerator, figures["service_precision"].denominator) == (
        0,
        5,
    )
    # Booking is an act on the session's day: r0 took part in December.
    assert figures["participation_rate"].numerator == 1


def test_service_figures_by_kind_by_hand(november, make_staff, login_client):
    """By kind, November: 法律咨询 (legal) S1 attended 2 of capacity 3 (S3 called off),
    ratings r0 satisfied + r3 dissatisfied = 1/2; 邻里节 (activity) S2 2 of 10, r4
    basically satisfied = 1/1. Together they are the 4/13 and 2/3 above."""
    with clock.pinned(local(TODAY, 12)):
        rows = selectors.service_kind_figures(
            region=Region.objects.get(code=JIEFANG), period=NOVEMBER
        )
    by_kind = {r["key"]: r for r in rows}
    assert [r["key"] for r in rows] == [ServiceKind.LEGAL, ServiceKind.ACTIVITY]
    legal, activity = by_kind[ServiceKind.LEGAL], by_kind[ServiceKind.ACTIVITY]
    assert (legal["attended"], legal["capacity"], legal["satisfied"], legal["rated"]) == (
        2,
        3,
        1,
        2,
    )
    assert legal["precision"] == pytest.approx(2 / 3) and legal["satisfaction"] == 0.5
    assert (activity["attended"], activity["capacity"]) == (2, 10)
    assert activity["satisfaction"] == 1.0
    # Another street: nothing held, no rows.
    with clock.pinned(local(TODAY, 12)):
        assert (
            selectors.service_kind_figures(region=Region.objects.get(code=XIYUAN), period=NOVEMBER)
            == []
        )
    # The overview shows the table, scoped: the community's staff see it, others get 404.
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="dash-kinds")
    with clock.pinned(local(TODAY, 12)):
        page = (
            login_client(staff)
            .get("/dashboards/", {"period": "month", "start": "2026-11-01"})
            .content.decode()
        )
    assert 'id="service-kinds"' in page and "66.7%" in page and "20.0%" in page
    assert "2/3" in page and "2/10" in page
    other = make_staff(Role.COMMUNITY_STAFF, XIYUAN_COMMUNITY, username="dash-other")
    region = Region.objects.get(code=JIEFANG)
    assert login_client(other).get("/dashboards/", {"region": region.pk}).status_code == 404


def test_the_ranking_and_drill_down_ask_once_for_all_nodes_and_agree(november):
    """The ranking and the drill-down read service precision and satisfaction for all
    their nodes in one grouped query per source (service_*_by_node): 解放路社区 has the
    hand-worked 4/13 and 2 of 3 there too, every other community "—"."""
    with clock.pinned(local(TODAY, 12)):
        city = Region.objects.get(code=JIEFANG).parent.parent.parent
        rows = selectors.community_ranking(region=city, period=NOVEMBER)
        children = selectors.children_figures(
            region=Region.objects.get(code=DONGFENG), period=NOVEMBER
        )
    for row in [*rows, *children]:
        precision = row.figures["service_precision"]
        if row.region.code == JIEFANG:
            assert (precision.numerator, precision.denominator) == (4, 13)
            assert precision.extra["satisfied"] == 2 and precision.extra["rated"] == 3
        else:
            assert precision.value is None
    assert JIEFANG in {row.region.code for row in rows} | {r.region.code for r in children}
