"""Two staff press 签收 at the same moment: exactly one wins, on SQLite and PostgreSQL."""

import threading

import pytest
from django.db import connection

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services
from jiaoliuba.appeals.choices import EventKind, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent
from jiaoliuba.core.errors import Conflict
from jiaoliuba.testing.fixtures import JIEFANG


@pytest.mark.django_db(transaction=True)
def test_two_staff_accept_at_once_exactly_one_wins(submit, staff, make_staff, regions):
    second = make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="cstaff2")
    appeal = submit("想咨询一下社区老年食堂什么时候开")  # blue → community staff
    appeal = services.appeal_dispatch(
        appeal=appeal,
        actor=staff["secretary"],
        region=regions[JIEFANG],
        role=Role.COMMUNITY_STAFF,
        to_unit=True,
    )
    assert appeal.assignee is None
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def press(user):
        try:
            barrier.wait(timeout=10)
            services.appeal_accept(appeal=Appeal.objects.get(pk=appeal.pk), actor=user)
            outcomes[user.username] = "won"
        except Conflict:
            outcomes[user.username] = "conflict"
        except Exception as exc:
            outcomes[user.username] = f"error: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (staff["community"], second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "won"], outcomes
    fresh = Appeal.objects.get(pk=appeal.pk)
    winner = next(name for name, result in outcomes.items() if result == "won")
    assert fresh.status == Status.ACCEPTED and fresh.assignee.username == winner
    assert AppealEvent.objects.filter(appeal=appeal, kind=EventKind.ACCEPTED).count() == 1
