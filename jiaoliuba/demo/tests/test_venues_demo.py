"""The demo's venue: hours with two late evenings, a month's rota, a month of visits with
some turned into appeals, the monthly themes; loading again adds nothing."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.demo.venues import load_venues_demo
from jiaoliuba.points.models import PointsEntry
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1, JIEFANG_G2
from jiaoliuba.venues import selectors
from jiaoliuba.venues.models import Shift, SwapRequest, Theme, Visit

pytestmark = pytest.mark.django_db


def test_demo_venue(make_staff, make_resident):
    make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="community_staff")
    make_staff(Role.COMMUNITY_SECRETARY, JIEFANG, username="secretary")
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid_worker")
    make_staff(Role.GRID_WORKER, JIEFANG_G2, username="grid_worker2")
    for i in range(6):
        make_resident(JIEFANG_G1, name=f"居民{i}")
    venue = load_venues_demo()
    assert venue is not None and load_venues_demo() is None
    assert selectors.venue_warnings(venue)  # 25 m², below the standard
    late = [h for h in selectors.week_plan(venue, days=7) if h.late]
    assert len(late) <= 2
    assert sum(1 for h in venue.hours.all() if h.closes.hour >= 20) == 2
    assert Theme.objects.filter(venue=venue).count() == 3
    assert Shift.objects.filter(venue=venue).count() >= 30
    assert Shift.objects.filter(venue=venue, status="completed").exists()
    assert SwapRequest.objects.filter(shift__venue=venue, status="pending").count() == 1
    visits = Visit.objects.filter(venue=venue)
    assert visits.count() >= 15
    appealed = visits.filter(status="appealed")
    assert appealed.exists()
    assert Appeal.objects.filter(channel="venue").count() == appealed.count()
    volunteer_points = PointsEntry.objects.filter(act="volunteer_shift")
    assert volunteer_points.exists()
