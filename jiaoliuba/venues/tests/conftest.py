"""Shared set-up of the venue tests: 解放路社区's 交流吧 with its staff, a grid worker,
a volunteer who lives there, and its weekly hours (Wednesday and Friday until 20:00)."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import Role
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1
from jiaoliuba.venues import services
from jiaoliuba.venues.choices import Zone

WEEKDAY_HOURS = [(d, dt.time(9), dt.time(12)) for d in range(5)] + [
    (d, dt.time(14, 30), dt.time(20) if d in (2, 4) else dt.time(17, 30)) for d in range(5)
]


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def staff(make_staff):
    return make_staff(Role.COMMUNITY_STAFF, JIEFANG)


@pytest.fixture
def grid_worker(make_staff):
    return make_staff(Role.GRID_WORKER, JIEFANG_G1)


@pytest.fixture
def volunteer(make_resident, regions):
    person = make_resident(JIEFANG_G1, name="郑志愿者")
    account_services.role_assign(
        actor=None, user=person, role=Role.VOLUNTEER, region=regions[JIEFANG]
    )
    return person


@pytest.fixture
def venue(regions, staff):
    place = services.venue_create(
        actor=staff,
        region=regions[JIEFANG],
        name="解放路社区百姓交流吧",
        address="解放路18号 党群服务中心一楼",
        area_m2=25,
        zones=[Zone.DISCUSSION, Zone.MEDIATION, Zone.SERVICE, Zone.DISPLAY],
        facilities="圆桌, 投影仪, 调解室",
    )
    services.venue_hours_set(actor=staff, venue=place, rows=WEEKDAY_HOURS)
    return place
