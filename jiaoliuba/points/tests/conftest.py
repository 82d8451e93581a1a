from __future__ import annotations

import datetime as dt

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.points import services
from jiaoliuba.testing.fixtures import JIEFANG

SH = clock.SHANGHAI


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def staff(make_staff):
    return make_staff(Role.COMMUNITY_STAFF, JIEFANG)


@pytest.fixture
def fund(staff):
    """Give a resident points by a staff adjustment (the quickest honest way in)."""

    def give(user, amount: int) -> None:
        services.points_adjust(actor=staff, user=user, amount=amount, reason="test funds")

    return give
