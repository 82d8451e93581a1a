"""Property (hypothesis): under any sequence of earns, spends, refunds, adjustments, expiries
and time passing, the balance is the sum of the entries and never negative; a spend is
refused exactly when the balance (after what has expired) is short, and a refused spend
leaves no trace; after a sweep no expired point is still unspent. Bounded examples so CI
stays quick; runs on SQLite and PostgreSQL like the rest of the suite."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiaoliuba.accounts import services as account_services
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict
from jiaoliuba.points import lots, services
from jiaoliuba.points.choices import Act
from jiaoliuba.points.models import PointsAccount, PointsEntry, PointsRule
from jiaoliuba.points.services.ledger import account_lock, points_refund, points_spend
from jiaoliuba.points.tests.conftest import at
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.django_db
_phones = itertools.count(13600000000)

operation = st.one_of(
    st.tuples(st.just("earn"), st.sampled_from([Act.MEETING_ATTENDED, Act.VOLUNTEER_SHIFT])),
    st.tuples(st.just("spend"), st.integers(1, 40)),
    st.tuples(st.just("refund"), st.integers(0, 5)),
    st.tuples(st.just("adjust"), st.integers(-30, 30).filter(bool)),
    st.tuples(st.just("wait"), st.integers(1, 20)),
    st.tuples(st.just("sweep"), st.just(0)),
)


def _rows(account: PointsAccount) -> list[lots.Row]:
    return lots.rows_of(account)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=25))
def test_balance_is_the_sum_of_entries_and_never_negative(ops, regions, staff):
    PointsRule.objects.all().delete()
    services.rule_for(Act.MEETING_ATTENDED)
    PointsRule.objects.filter(act=Act.MEETING_ATTENDED).update(
        expiry_days=10, daily_cap=None, monthly_cap=None
    )
    services.rule_for(Act.VOLUNTEER_SHIFT)
    PointsRule.objects.filter(act=Act.VOLUNTEER_SHIFT).update(daily_cap=None, monthly_cap=None)
    user = account_services.resident_register(
        phone=str(next(_phones)), display_name="居民", grid=regions[JIEFANG_G1], address="1号楼"
    )
    now = at(2026, 5, 1, 8)
    spends: list[tuple[str, int]] = []
    for n, (op, arg) in enumerate(ops):
        with clock.pinned(now):
            before_entries = PointsEntry.objects.count()
            if op == "earn":
                services.points_award(user=user, act=arg, source=f"op:{n}")
            elif op == "spend":
                with transaction.atomic():
                    account = account_lock(user)
                    # What the spend will see: the balance after what has expired by now.
                    due = lots.due(lots.open_lots(_rows(account)), now)
                    available = account.balance - min(due, account.balance)
                try:
                    with transaction.atomic():
                        points_spend(
                            account_lock(user), amount=arg, key=f"spend:{user.pk}:{n}", reason="t"
                        )
                    spends.append((f"spend:{user.pk}:{n}", arg))
                    assert available >= arg
                except Conflict:
                    assert available < arg
                    assert PointsEntry.objects.count() == before_entries  # no trace
            elif op == "refund" and arg < len(spends):
                key, amount = spends.pop(arg)
                with transaction.atomic():
                    points_refund(
                        account_lock(user), amount=amount, key=f"refund:{key}", reason="t"
                    )
            elif op == "adjust":
                try:
                    services.points_adjust(actor=staff, user=user, amount=arg, reason="t")
                except Conflict:
                    assert PointsEntry.objects.count() == before_entries
            elif op == "wait":
                now += dt.timedelta(days=arg)
            elif op == "sweep":
                services.points_expire_sweep(now=now)
                account = PointsAccount.objects.filter(user=user).first()
                if account is not None:
                    assert lots.due(lots.open_lots(_rows(account)), now) == 0
        account = PointsAccount.objects.filter(user=user).first()
        if account is not None:
            total = sum(
                PointsEntry.objects.filter(account=account).values_list("amount", flat=True)
            )
            assert account.balance == total >= 0
            assert sum(x.remaining for x in lots.open_lots(_rows(account))) == account.balance
