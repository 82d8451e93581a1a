from jiaoliuba.points.models.ledger import PointsAccount, PointsEntry, PointsRule
from jiaoliuba.points.models.store import Redemption, RedemptionEvent, StoreItem

__all__ = [
    "PointsAccount",
    "PointsEntry",
    "PointsRule",
    "Redemption",
    "RedemptionEvent",
    "StoreItem",
]
