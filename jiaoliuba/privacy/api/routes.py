"""GET /api/v1/me/data: the person's copy; POST /api/v1/me/erase: deletion."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core.request import client_ip
from jiaoliuba.privacy import services

router = Router(tags=["privacy"])


class EraseIn(Schema):
    confirmation: str


class ErasedOut(Schema):
    erased_at: str
    counts: dict[str, int]


class MyDataOut(Schema):
    exported_at: str
    data: dict[str, dict[str, Any]]


@router.get("/me/data", response=MyDataOut, summary="A copy of everything held about me")
def my_data(request: ApiRequest) -> dict[str, Any]:
    return services.privacy_export(user=request.auth, ip=client_ip(request))


@router.post("/me/erase", response=ErasedOut, summary="Delete (de-identify) my data")
def erase(request: ApiRequest, payload: EraseIn) -> dict[str, Any]:
    done = services.privacy_erase(
        user=request.auth, confirmation=payload.confirmation, ip=client_ip(request)
    )
    return {"erased_at": done.created_at.isoformat(), "counts": done.counts}
