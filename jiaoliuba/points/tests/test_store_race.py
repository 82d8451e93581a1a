"""No oversell: 200 residents redeem the last 5 items at once (40 at a time through a thread
pool, each with its own database connection), on SQLite and PostgreSQL. Exactly 5 win; the
other 195 are told it is sold out and keep their points; stock ends at 0, and the points
spent are exactly 5 prices."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from jiaoliuba.accounts import services as account_services
from jiaoliuba.core.errors import Conflict
from jiaoliuba.points import services
from jiaoliuba.points.choices import EntryKind
from jiaoliuba.points.models import PointsAccount, PointsEntry, Redemption, StoreItem
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

RESIDENTS = 200
THREADS = 40
STOCK = 5
PRICE = 100


@pytest.mark.django_db(transaction=True)
def test_two_hundred_residents_race_for_the_last_five(regions, staff):
    item = services.store_item_save(
        actor=staff, region=regions[JIEFANG], name="免费体检券", price=PRICE, stock=STOCK
    )
    people = [
        account_services.resident_register(
            phone=f"1350000{n:04d}", display_name="居民", grid=regions[JIEFANG_G1], address="1号楼"
        )
        for n in range(RESIDENTS)
    ]
    for user in people:
        services.points_adjust(actor=staff, user=user, amount=PRICE, reason="积分发放")
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def redeem(n: int) -> None:
        try:
            if n < THREADS:
                start.wait(timeout=60)
            services.redemption_place(user=people[n], item=item)
            result = "won"
        except Conflict as exc:
            result = exc.code
        except Exception as exc:  # anything else is a failure of the test
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(redeem, range(RESIDENTS)))

    assert outcomes.count("won") == STOCK, sorted(set(outcomes))
    assert outcomes.count("store_sold_out") == RESIDENTS - STOCK, sorted(set(outcomes))
    assert StoreItem.objects.get(pk=item.pk).stock == 0
    assert Redemption.objects.filter(item=item).count() == STOCK
    spent = PointsEntry.objects.filter(kind=EntryKind.SPEND).values_list("amount", flat=True)
    assert sorted(spent) == [-PRICE] * STOCK
    balances = list(PointsAccount.objects.filter(user__in=people).values_list("balance", flat=True))
    assert sorted(balances) == [0] * STOCK + [PRICE] * (RESIDENTS - STOCK)
