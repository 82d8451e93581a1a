from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from jiaoliuba.accounts import selectors, services, twofactor
from jiaoliuba.accounts.api.schemas import (
    MeOut,
    PhoneRevealOut,
    RegionRef,
    ResidentOut,
    ResidentUpdateIn,
    RevealIn,
    RoleOut,
    SmsRequestIn,
    SmsVerifyIn,
    TokenIn,
    TokenOut,
)
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.core.api_params import Offset
from jiaoliuba.core.errors import NotAuthenticated
from jiaoliuba.core.request import client_ip
from jiaoliuba.regions.api.routes import region_out
from jiaoliuba.regions.api.schemas import RegionOut
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.selectors import region_get

auth_router = Router(tags=["auth"])
router = Router(tags=["people"])


def _region_ref(region: Region | None) -> RegionRef | None:
    return RegionRef(code=region.code, name=region.name) if region else None


def resident_out(resident: ResidentProfile) -> ResidentOut:
    return ResidentOut(
        id=resident.pk,
        display_name=resident.user.display_name,
        phone_masked=resident.user.masked_phone,
        community=_region_ref(resident.community),
        grid=_region_ref(resident.grid),
        address=resident.address,
        household_id=resident.household_id,
        verification_status=resident.verification_status,
        verified_at=resident.verified_at,
    )


@auth_router.post("/token", auth=None, response={201: TokenOut})
def token_create(request: HttpRequest, payload: TokenIn):
    """Exchange a staff username and password for a bearer token (machine clients)."""
    user = services.staff_authenticate(
        username=payload.username, password=payload.password, ip=client_ip(request)
    )
    twofactor.second_factor_check_code(user=user, code=payload.otp)
    token, raw = services.api_token_create(user=user, name=payload.name)
    return Status(201, TokenOut(token=raw, expires_at=token.expires_at))


@auth_router.delete("/token", response={204: None})
def token_revoke(request: ApiRequest):
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise NotAuthenticated(_("Send the token to revoke in the Authorization header."))
    services.api_token_revoke(raw=header.split(" ", 1)[1].strip())
    return Status(204, None)


@auth_router.post("/sms/request", auth=None, response={202: None})
def sms_request(request: HttpRequest, payload: SmsRequestIn):
    """Send a sign-in code to a mainland mobile number."""
    services.otp_request(phone=payload.phone, ip=client_ip(request))
    return Status(202, None)


@auth_router.post("/sms/verify", auth=None, response={201: TokenOut})
def sms_verify(request: HttpRequest, payload: SmsVerifyIn):
    """Check the code; returns a bearer token for the resident (registered on first use)."""
    user = services.otp_verify(phone=payload.phone, code=payload.code)
    token, raw = services.api_token_create(user=user, name=payload.name or "app")
    return Status(201, TokenOut(token=raw, expires_at=token.expires_at))


@router.get("/me", response=MeOut)
def me(request: ApiRequest):
    user = request.auth
    roles = [
        RoleOut(
            role=a.role,
            role_label=str(Role(a.role).label),
            region_code=a.region.code,
            region_name=a.region.name,
        )
        for a in selectors.user_role_assignments(user=user)
    ]
    resident = selectors.resident_of(user)
    return MeOut(
        id=user.pk,
        display_name=user.display_name,
        username=user.username,
        phone_masked=user.masked_phone,
        roles=roles,
        resident_id=resident.pk if resident else None,
    )


# The path is the one regions served before: regions knows no people, so the route lives
# here. api.py mounts this router before the regions router, or /regions/{code} would
# take "mine" for a code.
@router.get("/regions/mine", response=list[RegionOut])
def region_scope(request: ApiRequest):
    """The regions where the caller holds a staff role (the roots of their scope)."""
    return [
        region_out(r, r.parent.code if r.parent else None)
        for r in selectors.user_scope_regions(request.auth)
    ]


@router.get("/residents", response=list[ResidentOut])
def resident_list(
    request: ApiRequest,
    q: str = "",
    status: str = "",
    region: str = "",
    limit: int = 50,
    offset: Offset = 0,
):
    limit = max(1, min(limit, 200))
    qs = selectors.resident_list(user=request.auth, query=q, status=status, region_code=region)
    return [resident_out(r) for r in qs[offset : offset + limit]]


@router.get("/residents/{resident_id}", response=ResidentOut)
def resident_detail(request: ApiRequest, resident_id: int):
    return resident_out(selectors.access_resident(user=request.auth, resident_id=resident_id))


@router.patch("/residents/{resident_id}", response=ResidentOut)
def resident_update(request: ApiRequest, resident_id: int, payload: ResidentUpdateIn):
    resident = selectors.access_resident(user=request.auth, resident_id=resident_id)
    resident = services.resident_profile_update(
        actor=request.auth,
        resident=resident,
        display_name=payload.display_name,
        community=region_get(code=payload.community_code) if payload.community_code else None,
        grid=region_get(code=payload.grid_code) if payload.grid_code else None,
        address=payload.address,
        id_number=payload.id_number,
        ip=client_ip(request),
    )
    return resident_out(resident)


@router.post("/residents/{resident_id}/verify", response=ResidentOut)
def resident_verify(request: ApiRequest, resident_id: int):
    resident = selectors.access_resident(user=request.auth, resident_id=resident_id)
    return resident_out(
        services.resident_verify(actor=request.auth, resident=resident, ip=client_ip(request))
    )


@router.post("/residents/{resident_id}/reveal-phone", response=PhoneRevealOut)
def resident_reveal_phone(request: ApiRequest, resident_id: int, payload: RevealIn):
    """The full number, for calling the resident back; every call is logged."""
    resident = selectors.access_resident(user=request.auth, resident_id=resident_id)
    return PhoneRevealOut(
        value=services.resident_reveal_phone(
            actor=request.auth, resident=resident, reason=payload.reason, ip=client_ip(request)
        )
    )
