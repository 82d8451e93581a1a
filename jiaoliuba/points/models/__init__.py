from jiaoliuba.points.models.honours import Honour, HonourEvent
from jiaoliuba.points.models.ledger import PointsAccount, PointsEntry, PointsRule
from jiaoliuba.points.models.store import Redemption, RedemptionEvent, StoreItem

__all__ = [
    "Honour",
    "HonourEvent",
    "PointsAccount",
    "PointsEntry",
    "PointsRule",
    "Redemption",
    "RedemptionEvent",
    "StoreItem",
]
