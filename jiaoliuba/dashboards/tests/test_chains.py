"""The catch-up works a submitter's participation chain out again only from the earliest
act that was added, removed or moved, starting from the stored fact just before it: these
walk the cases where that fact is an act, is not one, or does not exist, and hold the live
chains to the rebuild's and to the rule written out by hand."""

import datetime as dt

import pytest

from jiaoliuba.appeals import services
from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import AppealFact
from jiaoliuba.dashboards.tests.scenario import DOG, LIGHT, NOISE, PARKING

pytestmark = pytest.mark.django_db

CHAIN = (
    "submitter_prev_day",
    "first_in_week",
    "first_in_month",
    "first_in_quarter",
    "first_in_year",
)


def _chains():
    return {
        row[0]: row[1:]
        for row in AppealFact.objects.exclude(submitter=None).values_list("appeal_id", *CHAIN)
    }


def test_chains_from_the_earliest_change_on(at, submit, staff, residents):
    resident, other = residents[0], residents[1]
    at(2026, 11, 2, 9, 0)  # a Monday
    first = submit(resident, NOISE)
    at(2026, 11, 4, 9, 0)
    second = submit(resident, DOG)
    third = submit(other, LIGHT)  # another submitter's chain, untouched throughout
    dashboard_services.rollups_sync()
    day1 = dt.date(2026, 11, 2)
    assert _chains()[second.pk] == (day1, False, False, False, False)

    # The fact just before the change is an act: the chain goes on from its day.
    services.appeal_reject(appeal=second, actor=staff["community"], reason="无效")
    dashboard_services.rollups_sync()
    assert _chains()[second.pk] == (day1, None, None, None, None)

    # The fact just before is not an act (rejected): the chain goes on from the day it holds.
    at(2027, 1, 5, 9, 0)
    later = submit(resident, PARKING)
    dashboard_services.rollups_sync()
    assert _chains()[later.pk] == (day1, True, True, True, True)

    # An earlier act goes: every later fact moves, and nothing stands before it.
    services.appeal_reject(appeal=first, actor=staff["community"], reason="无效")
    at(2027, 1, 6, 9, 0)
    last = submit(resident, NOISE)
    dashboard_services.rollups_sync()
    live = _chains()
    assert live[first.pk] == (None, None, None, None, None)
    assert live[second.pk] == (None, None, None, None, None)
    assert live[later.pk] == (None, True, True, True, True)
    assert live[last.pk] == (dt.date(2027, 1, 5), False, False, False, False)
    assert live[third.pk] == (None, True, True, True, True)

    dashboard_services.rollups_rebuild()
    assert _chains() == live
