"""Shared set-up of the bookings tests: 解放路社区 with its staff, residents, a lawyer of
the expert pool, a legal consultation and a session of it the day after tomorrow."""

from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.bookings import services
from jiaoliuba.bookings.choices import ProviderKind, ServiceKind
from jiaoliuba.core import clock
from jiaoliuba.core.clock import SHANGHAI
from jiaoliuba.testing.fixtures import DONGFENG, JIEFANG, JIEFANG_G1


@pytest.fixture
def staff(make_staff):
    return make_staff(Role.COMMUNITY_STAFF, JIEFANG)


@pytest.fixture
def residents(make_resident):
    return [make_resident(JIEFANG_G1, name=f"居民{i}") for i in range(6)]


@pytest.fixture
def lawyer_user(make_staff):
    return make_staff(Role.PROFESSIONAL, DONGFENG, username="lawyer-wang")


@pytest.fixture
def expert(regions, make_staff, lawyer_user):
    street_officer = make_staff(Role.STREET_OFFICER, DONGFENG)
    return services.expert_create(
        actor=street_officer,
        name="王律师",
        profession="律师",
        region=regions[DONGFENG],
        skills="婚姻家庭, 劳动争议",
        user=lawyer_user,
    )


@pytest.fixture
def service(regions, staff, expert):
    return services.service_create(
        actor=staff,
        region=regions[JIEFANG],
        title="法律咨询",
        kind=ServiceKind.LEGAL,
        provider_kind=ProviderKind.PROFESSIONAL,
        expert=expert,
        place="解放路社区交流吧 2号室",
    )


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def make_session(staff, service):
    def make(capacity: int = 2, days: int = 2, hour: int = 19, svc=None):
        day = clock.local_now().date() + dt.timedelta(days=days)
        return services.session_create(
            actor=staff,
            service=svc or service,
            starts_at=local(day, hour),
            ends_at=local(day, hour, 0) + dt.timedelta(minutes=90),
            capacity=capacity,
        )

    return make
