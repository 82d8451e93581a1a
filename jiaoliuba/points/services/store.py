"""The points store (积分超市). Placing a redemption locks the item row, takes one from stock
by a conditional update and spends the points, all in one transaction: when 200 residents
redeem the last items at once, exactly the stock is sold and nobody pays for nothing."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import resident_of
from jiaoliuba.core import clock
from jiaoliuba.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    lazy_format,
)
from jiaoliuba.core.services import audit_record, model_snapshot
from jiaoliuba.notifications.services import notify
from jiaoliuba.points import policies, transitions
from jiaoliuba.points.choices import RedemptionEventKind, RedemptionStatus
from jiaoliuba.points.models import Redemption, RedemptionEvent, StoreItem
from jiaoliuba.points.services.ledger import account_lock, points_refund, points_spend
from jiaoliuba.regions.models import Region

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REQUEST_KEY_MAX = Redemption._meta.get_field("request_key").max_length or 64
ITEM_FIELDS = ["name", "description", "partner", "price", "stock", "per_person_limit", "active"]


def _pickup_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def store_item_save(
    *, actor: User, region: Region, item: StoreItem | None = None, **fields: Any
) -> StoreItem:
    """Create or change an item of a community's or street's store; audited."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationFailed(
            gettext_lazy("Unknown field."), code="store_field", extra={"fields": sorted(unknown)}
        )
    if region.level not in ("community", "street"):
        raise ValidationFailed(
            gettext_lazy("A store belongs to a community or a street."), code="store_region"
        )
    name = str(fields.get("name", item.name if item else "")).strip()
    price = fields.get("price", item.price if item else None)
    stock = fields.get("stock", item.stock if item else 0)
    if not name:
        raise ValidationFailed(gettext_lazy("Give the item a name."), code="store_name")
    if not isinstance(price, int) or price <= 0:
        raise ValidationFailed(
            gettext_lazy("The points price must be a whole number above zero."), code="store_price"
        )
    if not isinstance(stock, int) or stock < 0:
        raise ValidationFailed(gettext_lazy("Stock cannot be negative."), code="store_stock")
    probe = item or StoreItem(region=region, region_path=region.path)
    if not policies.may_manage_store(actor, probe) or not policies.covers(actor, region.path):
        raise PermissionDenied(
            gettext_lazy("This store is outside your area."), code="store_out_of_scope"
        )
    with transaction.atomic():
        before = model_snapshot(item, ITEM_FIELDS) if item else {}
        if item is None:
            item = StoreItem(region=region, region_path=region.path, name=name, price=price)
        else:
            item = StoreItem.objects.select_for_update().get(pk=item.pk)
        for field, value in fields.items():
            setattr(item, field, value.strip() if isinstance(value, str) else value)
        item.full_clean(exclude=["region"])
        item.save()
        audit_record(
            actor=actor,
            action="points.store_item_save",
            target=item,
            before=before,
            after=model_snapshot(item, ITEM_FIELDS),
        )
    return item


def _event(redemption: Redemption, kind: str, actor: Any, note: str = "") -> None:
    RedemptionEvent.objects.create(
        redemption=redemption,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note[:200],
        at=clock.now(),
    )


def redemption_place(*, user: User, item: StoreItem, request_key: str = "") -> Redemption:
    """Redeem one `item` for `user`. The same `request_key` (a double tap, a retry) gives
    back the first redemption instead of a second."""
    # Looked up as it is stored: a longer key was stored cut and then never found again,
    # so its retry ran into the unique constraint instead of getting the first redemption.
    request_key = request_key[:REQUEST_KEY_MAX]
    resident = resident_of(user)
    home = (resident.grid or resident.community) if resident else None
    if home is None or not home.path.startswith(item.region_path):
        raise NotFound(gettext_lazy("No such item."), code="store_item_not_found")
    with transaction.atomic():
        locked = StoreItem.objects.select_for_update().get(pk=item.pk)
        account = account_lock(user)
        if request_key:
            earlier = Redemption.objects.filter(account=account, request_key=request_key).first()
            if earlier is not None:
                return earlier
        if not locked.active:
            raise Conflict(gettext_lazy("This item is no longer on offer."), code="store_inactive")
        if locked.stock <= 0:
            raise Conflict(gettext_lazy("Sorry, this item is sold out."), code="store_sold_out")
        if locked.per_person_limit is not None:
            held = (
                Redemption.objects.filter(item=locked, account=account)
                .exclude(status=RedemptionStatus.CANCELLED)
                .count()
            )
            if held >= locked.per_person_limit:
                raise Conflict(
                    lazy_format(
                        gettext_lazy(
                            "You have already redeemed this item %(n)s times, the most allowed."
                        ),
                        {"n": held},
                    ),
                    code="store_limit",
                )
        if not StoreItem.objects.filter(pk=locked.pk, stock__gt=0).update(stock=F("stock") - 1):
            raise Conflict(gettext_lazy("Sorry, this item is sold out."), code="store_sold_out")
        for _attempt in range(5):
            code = _pickup_code()
            try:
                with transaction.atomic():
                    redemption = Redemption.objects.create(
                        item=locked,
                        account=account,
                        price=locked.price,
                        pickup_code=code,
                        region_path=locked.region_path,
                        request_key=request_key,
                        created_at=clock.now(),
                    )
                break
            except IntegrityError:  # a pickup code already in use: draw again
                continue
        else:  # pragma: no cover - 31^8 codes
            raise Conflict(gettext_lazy("Please try again."), code="store_busy")
        points_spend(
            account,
            amount=locked.price,
            key=f"spend:redemption:{redemption.pk}",
            reason=locked.name,
            actor=user,
        )
        _event(redemption, RedemptionEventKind.PLACED, user)
        notify(
            recipients=[user],
            kind="points.redeemed",
            title=_("Redeemed: %(item)s") % {"item": locked.name},
            body=_("Show pickup code %(code)s at the community's Jiaoliuba to collect it.")
            % {"code": redemption.pickup_code},
            link="/points/",
            channels=(),
        )
    return redemption


def redemption_fulfil(*, actor: User, redemption: Redemption, code: str) -> Redemption:
    """Hand the item over at the venue: staff who cover the store, with the resident's code."""
    with transaction.atomic():
        locked = (
            Redemption.objects.select_for_update().select_related("account").get(pk=redemption.pk)
        )
        if not transitions.permits("fulfil", actor, locked):
            raise NotFound(gettext_lazy("No such redemption."), code="redemption_not_found")
        transitions.require(locked, "fulfil")
        if (code or "").strip().upper() != locked.pickup_code:
            raise ValidationFailed(
                gettext_lazy("The pickup code does not match."), code="pickup_code"
            )
        locked.status = RedemptionStatus.FULFILLED
        locked.closed_at = clock.now()
        locked.save(update_fields=["status", "closed_at"])
        _event(locked, RedemptionEventKind.FULFILLED, actor)
    return locked


def redemption_cancel(*, actor: User, redemption: Redemption, reason: str = "") -> Redemption:
    """Cancel before pickup: the points come back and the item goes back on the shelf."""
    with transaction.atomic():
        locked = (
            Redemption.objects.select_for_update()
            .select_related("account", "item")
            .get(pk=redemption.pk)
        )
        if not transitions.permits("cancel", actor, locked):
            raise NotFound(gettext_lazy("No such redemption."), code="redemption_not_found")
        transitions.require(locked, "cancel")
        StoreItem.objects.filter(pk=locked.item_id).update(stock=F("stock") + 1)
        account = account_lock(locked.account.user)
        points_refund(
            account,
            amount=locked.price,
            key=f"refund:redemption:{locked.pk}",
            reason=reason or locked.item.name,
            actor=actor,
        )
        locked.status = RedemptionStatus.CANCELLED
        locked.closed_at = clock.now()
        locked.save(update_fields=["status", "closed_at"])
        _event(locked, RedemptionEventKind.CANCELLED, actor, reason)
    return locked
