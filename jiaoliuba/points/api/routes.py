"""积分 API: thin handlers over points.services and points.selectors. Mounted at /api/v1/."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from jiaoliuba.accounts.selectors import access_resident
from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core.api_params import Offset
from jiaoliuba.core.idempotency import IDEMPOTENCY_KEY, request_key
from jiaoliuba.points import selectors, services
from jiaoliuba.points.presenters import entry_dict, item_dict, redemption_dict
from jiaoliuba.regions.selectors import region_get

router = Router(tags=["points"])


class EntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    amount: int = Field(description="Signed: earned and refunded add, spent and expired take")
    act: str
    act_label: str
    reason: str
    at: dt.datetime
    expires_at: dt.datetime | None


class LotOut(Schema):
    points: int
    expires_at: dt.datetime


class AccountOut(Schema):
    balance: int
    expiring: list[LotOut] = Field(description="Unspent points expiring within 30 days")
    entries: list[EntryOut]


class ItemOut(Schema):
    id: int
    name: str
    description: str
    partner: str
    price: int
    stock: int
    per_person_limit: int | None
    active: bool
    region: str


class ItemIn(Schema):
    region: str = Field(description="Code of the community or street whose store it is")
    name: str
    description: str = ""
    partner: str = ""
    price: int
    stock: int = 0
    per_person_limit: int | None = None
    active: bool = True


class RedemptionOut(Schema):
    id: int
    item: str
    item_id: int
    price: int
    status: str
    status_label: str
    pickup_code: str = Field(description="Only for the resident who redeemed")
    placed_at: dt.datetime
    closed_at: dt.datetime | None
    actions: dict[str, bool]


class CodeIn(Schema):
    code: str


class CancelIn(Schema):
    reason: str = ""


class AdjustIn(Schema):
    resident: int = Field(description="The resident profile's id")
    amount: int
    reason: str


@router.get("/points/me", response=AccountOut)
def points_me(request: ApiRequest, offset: Offset = 0):
    """The caller's balance, what expires soon and the latest entries."""
    return {
        "balance": selectors.balance_of(request.auth),
        "expiring": [
            {"points": lot.remaining, "expires_at": lot.expires_at}
            for lot in selectors.expiring_of(request.auth)
        ],
        "entries": [entry_dict(e) for e in selectors.entries_of(request.auth)[offset:]],
    }


@router.get("/points/store", response=list[ItemOut])
def store_list(request: ApiRequest):
    """Items the caller (a resident) may redeem in their community's and street's stores."""
    return [item_dict(i) for i in selectors.store_items_for(request.auth)]


@router.post("/points/store/{item_id}/redeem", response={200: RedemptionOut, 201: RedemptionOut})
def store_redeem(request: ApiRequest, item_id: int, idempotency_key: str = IDEMPOTENCY_KEY):
    """Redeem one item. With an Idempotency-Key a retry answers 200 with the first redemption."""
    item = selectors.access_store_item_for_resident(user=request.auth, item_id=item_id)
    key = request_key(request)
    before = (
        selectors.redemptions_of(request.auth).filter(request_key=key).exists() if key else False
    )
    redemption = services.redemption_place(user=request.auth, item=item, request_key=key)
    return Status(200 if before else 201, redemption_dict(redemption, viewer=request.auth))


@router.get("/points/redemptions", response=list[RedemptionOut])
def redemption_list(request: ApiRequest, offset: Offset = 0):
    """The caller's own redemptions, newest first."""
    rows = selectors.redemptions_of(request.auth).select_related("account")[offset : offset + 100]
    return [redemption_dict(r, viewer=request.auth) for r in rows]


@router.post("/points/redemptions/{redemption_id}/cancel", response=RedemptionOut)
def redemption_cancel(request: ApiRequest, redemption_id: int, body: CancelIn):
    redemption = selectors.access_redemption(user=request.auth, redemption_id=redemption_id)
    done = services.redemption_cancel(actor=request.auth, redemption=redemption, reason=body.reason)
    return redemption_dict(done, viewer=request.auth)


@router.post("/points/redemptions/fulfil", response=RedemptionOut)
def redemption_fulfil(request: ApiRequest, body: CodeIn):
    """Staff at the venue: hand over the item whose pickup code the resident shows."""
    redemption = selectors.access_redemption_by_code(user=request.auth, code=body.code)
    done = services.redemption_fulfil(actor=request.auth, redemption=redemption, code=body.code)
    return redemption_dict(done, viewer=request.auth)


@router.get("/points/items", response=list[ItemOut])
def item_list(request: ApiRequest):
    """Staff: the store items in their area."""
    return [item_dict(i) for i in selectors.store_items_managed_by(request.auth)]


@router.post("/points/items", response={201: ItemOut})
def item_create(request: ApiRequest, body: ItemIn):
    data = body.dict()
    region = region_get(code=data.pop("region"))
    item = services.store_item_save(actor=request.auth, region=region, **data)
    return Status(201, item_dict(item))


@router.post("/points/adjustments", response={201: EntryOut})
def points_adjust(request: ApiRequest, body: AdjustIn):
    """Staff: correct a resident's points by hand, with a reason (audited)."""
    resident = access_resident(user=request.auth, resident_id=body.resident)
    entry = services.points_adjust(
        actor=request.auth, user=resident.user, amount=body.amount, reason=body.reason
    )
    return Status(201, entry_dict(entry))
