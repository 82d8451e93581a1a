"""Points, entries, items and redemptions as the API and the pages show them."""

from __future__ import annotations

from typing import Any

from jiaoliuba.points import transitions
from jiaoliuba.points.models import PointsEntry, Redemption, StoreItem


def entry_dict(entry: PointsEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "amount": entry.amount,
        "act": entry.act,
        "act_label": str(entry.get_act_display()) if entry.act else "",
        "reason": entry.reason,
        "at": entry.created_at,
        "expires_at": entry.expires_at,
    }


def item_dict(item: StoreItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "description": item.description,
        "partner": item.partner,
        "price": item.price,
        "stock": item.stock,
        "per_person_limit": item.per_person_limit,
        "active": item.active,
        "region": item.region_path,
    }


def redemption_dict(redemption: Redemption, *, viewer: Any) -> dict[str, Any]:
    return {
        "id": redemption.pk,
        "item": redemption.item.name,
        "item_id": redemption.item_id,
        "price": redemption.price,
        "status": redemption.status,
        "status_label": str(redemption.get_status_display()),
        # The code is the resident's to show at the venue; staff type it in, never read it.
        "pickup_code": redemption.pickup_code
        if redemption.account.user_id == getattr(viewer, "pk", None)
        else "",
        "placed_at": redemption.created_at,
        "closed_at": redemption.closed_at,
        "actions": transitions.offered(viewer, redemption),
    }
