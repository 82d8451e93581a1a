"""The registry and the opening hours: open now, next opening across 国庆 and a special
closure, the 30 m² warning, the monthly theme."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.core.errors import PermissionDenied, ValidationFailed
from jiaoliuba.testing.fixtures import JIANKANG
from jiaoliuba.venues import selectors, services
from jiaoliuba.venues.choices import ThemeKind
from jiaoliuba.venues.models import OpeningHours, VenueEvent

from .conftest import local

WED = dt.date(2026, 9, 30)


def test_open_on_a_late_evening_and_closed_over_national_day(venue, staff):
    with clock.pinned(local(WED, 19, 30)):
        state = selectors.opening_state(venue)
    assert state.open_now
    assert state.closes_at == local(WED, 20)

    # After 20:00 on the 30th: 国庆 closes Oct 1–7, so the next opening is Thursday the 8th.
    with clock.pinned(local(WED, 20, 5)):
        state = selectors.opening_state(venue)
    assert not state.open_now
    assert state.next_opens_at == local(dt.date(2026, 10, 8), 9)
    assert state.next_closes_at == local(dt.date(2026, 10, 8), 12)

    services.venue_closure_add(
        actor=staff, venue=venue, day=dt.date(2026, 10, 8), reason="社区换届选举"
    )
    with clock.pinned(local(WED, 20, 5)):
        state = selectors.opening_state(venue)
    assert state.next_opens_at == local(dt.date(2026, 10, 9), 9)
    with clock.pinned(local(dt.date(2026, 10, 8), 10)):
        state = selectors.opening_state(venue)
    assert not state.open_now
    assert state.closed_today == "社区换届选举"


def test_week_plan_marks_late_evenings_and_holidays(venue):
    plan = selectors.week_plan(venue, dt.date(2026, 9, 28), 7)
    assert [p.late for p in plan] == [False, False, True, False, False, False, False]
    assert [p.open for p in plan] == [True, True, True, False, False, False, False]
    assert plan[3].closed_reason  # Oct 1, a public holiday
    assert plan[5].closed_reason == ""  # an ordinary Saturday has no hours, it is not "closed"


def test_small_venue_is_kept_with_a_warning(venue):
    assert venue.area_m2 == 25
    (warning,) = selectors.venue_warnings(venue)
    assert "25" in str(warning) and "30" in str(warning)


def test_bad_hours_change_nothing(venue, staff):
    before = list(OpeningHours.objects.filter(venue=venue).values_list("weekday", "opens"))
    with pytest.raises(ValidationFailed):
        services.venue_hours_set(
            actor=staff,
            venue=venue,
            rows=[(0, dt.time(9), dt.time(12)), (0, dt.time(11), dt.time(13))],
        )
    with pytest.raises(ValidationFailed):
        services.venue_hours_set(actor=staff, venue=venue, rows=[(0, dt.time(12), dt.time(9))])
    after = list(OpeningHours.objects.filter(venue=venue).values_list("weekday", "opens"))
    assert before == after


def test_only_the_communitys_staff_change_the_venue(venue, make_staff, regions):
    other = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    with pytest.raises(PermissionDenied):
        services.venue_closure_add(actor=other, venue=venue, day=WED, reason="x")
    with pytest.raises(PermissionDenied):
        services.venue_create(
            actor=other, region=regions[venue.region.code], name="x", address="y", area_m2=40
        )


def test_monthly_theme_and_its_event(venue, staff):
    theme = services.venue_theme_set(
        actor=staff,
        venue=venue,
        month=dt.date(2026, 10, 1),
        kind=ThemeKind.LEGAL_DAY,
        day=dt.date(2026, 10, 15),
    )
    assert theme.title == "法律咨询日" or theme.title == "Legal advice day"
    assert selectors.theme_for(venue, dt.date(2026, 10, 20)) == theme
    assert selectors.theme_for(venue, dt.date(2026, 11, 1)) is None
    with pytest.raises(ValidationFailed):
        services.venue_theme_set(
            actor=staff,
            venue=venue,
            month=dt.date(2026, 11, 1),
            kind=ThemeKind.NEIGHBOUR_FESTIVAL,
            day=dt.date(2026, 12, 1),
        )
    kinds = list(
        VenueEvent.objects.filter(venue=venue).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["venue_created", "hours_set", "theme_set"]
