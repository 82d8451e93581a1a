"""Writes of the points app. Other apps credit acts with `points_award`."""

from jiaoliuba.points.services.honours import (
    honour_confirm,
    honour_consent,
    honour_nominate,
    honour_withdraw,
)
from jiaoliuba.points.services.ledger import (
    Award,
    points_adjust,
    points_award,
    points_charge,
    points_charge_refund,
    points_expire_sweep,
    points_rule_save,
    rule_for,
)
from jiaoliuba.points.services.store import (
    redemption_cancel,
    redemption_fulfil,
    redemption_place,
    store_item_save,
)

__all__ = [
    "Award",
    "honour_confirm",
    "honour_consent",
    "honour_nominate",
    "honour_withdraw",
    "points_adjust",
    "points_award",
    "points_charge",
    "points_charge_refund",
    "points_expire_sweep",
    "points_rule_save",
    "redemption_cancel",
    "redemption_fulfil",
    "redemption_place",
    "rule_for",
    "store_item_save",
]
