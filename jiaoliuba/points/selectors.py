"""Reads of the points app, each scoped to the acting user: a resident sees their own
account, orders and the stores of their own community and street; staff see what lies in
their area. Anything else is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import resident_of, scope_q
from jiaoliuba.core import clock
from jiaoliuba.core.errors import NotFound
from jiaoliuba.points import lots
from jiaoliuba.points.models import PointsAccount, PointsEntry, Redemption, StoreItem


def account_of(user: Any) -> PointsAccount | None:
    if not getattr(user, "pk", None):
        return None
    return PointsAccount.objects.filter(user=user).first()


def balance_of(user: Any) -> int:
    account = account_of(user)
    return account.balance if account else 0


def entries_of(user: Any, *, limit: int = 50) -> list[PointsEntry]:
    return list(
        PointsEntry.objects.filter(account__user=user).order_by("-created_at", "-id")[:limit]
    )


def expiring_of(user: Any, *, within_days: int = 30) -> list[lots.Lot]:
    """Unspent points that expire within `within_days`, soonest first."""
    account = account_of(user)
    if account is None or account.next_expiry_at is None:
        return []
    rows = lots.rows_of(account)
    until = clock.now() + dt.timedelta(days=within_days)
    return [x for x in lots.open_lots(rows) if x.expires_at and x.expires_at <= until]


def _home_path(user: Any) -> str:
    resident = resident_of(user)
    region = (resident.grid or resident.community) if resident else None
    return region.path if region else ""


def store_items_for(user: Any) -> QuerySet[StoreItem]:
    """The items a resident may redeem: on offer in their community or street."""
    home = _home_path(user)
    if not home:
        return StoreItem.objects.none()
    prefixes = [home[:n] for n in range(1, len(home) + 1)]
    return StoreItem.objects.filter(active=True, region_path__in=prefixes)


def access_store_item_for_resident(*, user: Any, item_id: int) -> StoreItem:
    item = store_items_for(user).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such item."), code="store_item_not_found")
    return item


def store_items_managed_by(user: Any) -> QuerySet[StoreItem]:
    return StoreItem.objects.filter(scope_q(user, field="region_path")).select_related("region")


def access_store_item_for_staff(*, user: Any, item_id: int) -> StoreItem:
    item = store_items_managed_by(user).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such item."), code="store_item_not_found")
    return item


def redemptions_of(user: Any) -> QuerySet[Redemption]:
    return Redemption.objects.filter(account__user=user).select_related("item")


def access_redemption(*, user: Any, redemption_id: int) -> Redemption:
    """The resident's own redemption, or one in the staff member's area."""
    found = (
        Redemption.objects.filter(pk=redemption_id)
        .filter(scope_q(user, field="region_path") | _own(user))
        .select_related("item", "account")
        .first()
    )
    if found is None:
        raise NotFound(_("No such redemption."), code="redemption_not_found")
    return found


def access_redemption_by_code(*, user: User, code: str) -> Redemption:
    """What staff at the venue find from the code the resident shows."""
    found = (
        Redemption.objects.filter(pickup_code=(code or "").strip().upper()[:8])
        .filter(scope_q(user, field="region_path"))
        .select_related("item", "account__user")
        .first()
    )
    if found is None:
        raise NotFound(
            _("No redemption with this pickup code in your area."), code="redemption_not_found"
        )
    return found


def redemptions_in_area(user: Any, *, open_only: bool = True) -> QuerySet[Redemption]:
    rows = Redemption.objects.filter(scope_q(user, field="region_path")).select_related(
        "item", "account__user"
    )
    return rows.filter(status="placed") if open_only else rows


def _own(user: Any) -> Q:
    return Q(account__user_id=getattr(user, "pk", None) or 0)
