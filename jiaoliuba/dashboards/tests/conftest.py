import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.appeals import services
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.testing.fixtures import CITY, DONGFENG, JIEFANG, JIEFANG_G1, JIEFANG_G2, YICHENG

SH = clock.SHANGHAI


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def at(monkeypatch):
    """Move the platform's clock: at(y, m, d, h, mi) sets now, in Shanghai time."""

    def move(*args):
        when = local(*args)
        monkeypatch.setattr(clock, "now", lambda: when)
        return when

    return move


@pytest.fixture
def staff(make_staff):
    return {
        "grid1": make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1"),
        "grid2": make_staff(Role.GRID_WORKER, JIEFANG_G2, username="grid2"),
        "community": make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="cstaff"),
        "secretary": make_staff(Role.COMMUNITY_SECRETARY, JIEFANG, username="secretary"),
        "street": make_staff(Role.STREET_OFFICER, DONGFENG, username="street"),
        "district": make_staff(Role.DISTRICT_OFFICER, YICHENG, username="district"),
        "city": make_staff(Role.CITY_ADMIN, CITY, username="cityadmin"),
    }


@pytest.fixture
def residents(make_resident):
    """Eight residents of 解放路社区, registered on 2026-10-01 (so the figures do not
    depend on the day the tests run)."""
    people = [
        make_resident(JIEFANG_G1 if i % 2 else JIEFANG_G2, name=f"居民{i}", phone=f"1390000000{i}")
        for i in range(1, 9)
    ]
    ResidentProfile.objects.filter(user__in=people).update(created_at=local(2026, 10, 1, 8, 0))
    return people


@pytest.fixture
def submit(regions):
    def make(user, content, *, grid=JIEFANG_G1, **kwargs):
        intake = Intake(content=content, community=None, grid=regions[grid], **kwargs)
        appeal, _created = services.appeal_submit(submitter=user, intake=intake)
        return appeal

    return make
