"""Which earned points are still unspent, and when they expire. Points are spent oldest
expiry first (points that never expire last), so a resident loses as few as possible; the
ledger itself stores only entries, and this replays them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jiaoliuba.points.choices import EntryKind
from jiaoliuba.points.models import PointsEntry


@dataclass
class Lot:
    expires_at: dt.datetime | None
    remaining: int


@dataclass(frozen=True)
class Row:
    """What the replay needs of an entry (selectors fetch only these columns)."""

    kind: str
    amount: int
    created_at: dt.datetime
    expires_at: dt.datetime | None
    seq: int = 0  # the entry's id: entries posted at the same moment replay in posting order


def rows_of(account: Any) -> list[Row]:
    return [
        Row(*values)
        for values in PointsEntry.objects.filter(account=account).values_list(
            "kind", "amount", "created_at", "expires_at", "id"
        )
    ]


def _order(lot: Lot) -> tuple[bool, dt.datetime]:
    return (lot.expires_at is None, lot.expires_at or dt.datetime.max.replace(tzinfo=dt.UTC))


def open_lots(rows: Iterable[Row]) -> list[Lot]:
    """The unspent credits after replaying `rows` in time order, soonest expiry first."""
    lots: list[Lot] = []
    for row in sorted(rows, key=lambda r: (r.created_at, r.seq)):
        if row.amount > 0:
            lots.append(Lot(row.expires_at, row.amount))
            continue
        debit = -row.amount
        if row.kind == EntryKind.EXPIRE:
            # An expiry takes exactly the lots that had expired when it was posted.
            candidates = [x for x in lots if x.expires_at and x.expires_at <= row.created_at]
        else:
            candidates = lots
        for lot in sorted(candidates, key=_order):
            take = min(lot.remaining, debit)
            lot.remaining -= take
            debit -= take
            if not debit:
                break
        lots = [x for x in lots if x.remaining]
    return sorted(lots, key=_order)


def due(lots: Iterable[Lot], at: dt.datetime) -> int:
    return sum(x.remaining for x in lots if x.expires_at and x.expires_at <= at)
