"""Reads about people, always on behalf of an acting user and limited to their scope."""

from __future__ import annotations

import functools
from typing import Any, cast

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.choices import STAFF_ROLES, Role, VerificationStatus
from jiaoliuba.accounts.models import GuardianConsent, ResidentProfile, RoleAssignment, User
from jiaoliuba.accounts.types import Viewer
from jiaoliuba.core import crypto
from jiaoliuba.core.errors import NotFound
from jiaoliuba.core.typed import whole_number
from jiaoliuba.core.validators import normalize_mobile
from jiaoliuba.regions.choices import RegionLevel
from jiaoliuba.regions.models import Region
from jiaoliuba.regions.models.region import subtree_q

_CACHE_ATTR = "_jiaoliuba_roles_at"
# The profile the token check read with the user. Django's own reverse cache (user.resident)
# is not trusted here: it is also filled when a profile is created with the user object, and
# would then go stale when the profile is changed by an update() elsewhere.
_RESIDENT_ATTR = "_jiaoliuba_resident"


def resident_known(user: User, profile: ResidentProfile | None) -> None:
    """Remember the user's profile (or its absence) read in the same query as the user."""
    setattr(user, _RESIDENT_ATTR, profile)


@functools.cache
def _roles_sql() -> str:
    """Written as SQL: every API call that checks a role or a scope runs it, and building
    it through the ORM cost several times what running it does."""
    q = connection.ops.quote_name
    ra, region, profile = (q(m._meta.db_table) for m in (RoleAssignment, Region, ResidentProfile))
    return (
        f"SELECT ra.role, rg.path FROM {ra} ra INNER JOIN {region} rg "  # noqa: S608
        f"ON rg.id = ra.region_id WHERE ra.user_id = %s "
        f"UNION ALL SELECT %s, %s FROM {profile} WHERE user_id = %s"
    )


def roles_known(user: User, packed: str, *, has_profile: bool) -> None:
    """Remember the user's roles read with the user ("role:path,…", as the token check
    reads them): what `user_roles_at` would read, without its query."""
    cached: dict[str, list[str]] = {}
    for item in packed.split(",") if packed else ():
        role, _sep, path = item.partition(":")
        cached.setdefault(role, []).append(path)
    if has_profile:
        cached.setdefault(Role.RESIDENT, [])
    setattr(user, _CACHE_ATTR, cached)


def user_roles_at(user: Viewer) -> dict[str, list[str]]:
    """{role: [region paths]} for the user, cached on the user object for the request.
    One query: the role assignments and, as a row of its own, whether a resident profile
    exists (every API call that checks a role or a scope starts here)."""
    if not isinstance(user, User):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {}
        with connection.cursor() as cursor:
            cursor.execute(_roles_sql(), [user.pk, Role.RESIDENT, "", user.pk])
            rows = cursor.fetchall()
        for role, path in rows:
            if role == Role.RESIDENT and not path:
                cached.setdefault(Role.RESIDENT, [])
            else:
                cached.setdefault(role, []).append(path)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def user_roles(user: Viewer) -> set[str]:
    return set(user_roles_at(user))


def user_is_staff_member(user: Viewer) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)


def user_scope_paths(user: Viewer, *, roles: frozenset[str] = STAFF_ROLES) -> list[str]:
    """The region paths whose subtrees the user covers through the given roles, with
    nested paths removed (a street officer who is also a grid worker inside that street
    needs only the street)."""
    paths = sorted({p for role, ps in user_roles_at(user).items() if role in roles for p in ps})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def user_covers(user: Viewer, path: str, *, roles: frozenset[str] = STAFF_ROLES) -> bool:
    """Whether `path` lies in the subtree where the user holds one of `roles`."""
    return bool(path) and any(path.startswith(p) for p in user_scope_paths(user, roles=roles))


def scope_q(user: Viewer, *, field: str, roles: frozenset[str] = STAFF_ROLES) -> Q:
    """A Q that keeps rows whose region path `field` lies in the user's scope; matches
    nothing for a user without a staff role."""
    condition = Q(pk__in=[])
    for path in user_scope_paths(user, roles=roles):
        condition |= subtree_q(path, field=field)
    return condition


def user_scope_regions(user: Viewer) -> list[Region]:
    paths = user_scope_paths(user)
    return list(Region.objects.filter(path__in=paths).order_by("path"))


# --- residents ---------------------------------------------------------------------


def residents_visible_to(user: Viewer) -> QuerySet[ResidentProfile]:
    """Residents whose grid (or community, when they have not named a grid) lies in the
    user's scope. A grid worker's scope holds no community node, so they see exactly the
    residents of their grid."""
    return ResidentProfile.objects.filter(scope_q(user, field="region_path")).select_related(
        "user", "community", "grid", "household"
    )


def resident_list(
    *, user: Viewer, query: str = "", status: str = "", region_code: str = ""
) -> QuerySet[ResidentProfile]:
    qs = residents_visible_to(user)
    if status in VerificationStatus.values:
        qs = qs.filter(verification_status=status)
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        qs = qs.filter(subtree_q(region.path, field="region_path")) if region else qs.none()
    query = query.strip()
    if query:
        try:
            phone = normalize_mobile(query)
        except Exception:
            qs = qs.filter(Q(user__display_name__icontains=query) | Q(address__icontains=query))
        else:
            qs = qs.filter(user__phone_hash=crypto.lookup_hash(phone, purpose="phone"))
    return qs.order_by("region_path", "pk")


def access_resident(*, user: Viewer, resident_id: int) -> ResidentProfile:
    """The resident if the user may see them (themself, or in a staff scope); else 404."""
    own = isinstance(user, User) and ResidentProfile.objects.filter(pk=resident_id, user=user)
    if own and own.exists():
        return own.select_related("user", "community", "grid", "household").get()
    resident = residents_visible_to(user).filter(pk=resident_id).first()
    if resident is None:
        raise NotFound(_("No such resident."), code="resident_not_found")
    return resident


def resident_of(user: Viewer) -> ResidentProfile | None:
    """The user's resident profile. The ID number stays encrypted until read (it is only
    ever written; decrypting it on every API call cost more than the look-up). A user
    signed in by an API token has it already (or its absence): the token check read it."""
    if not isinstance(user, User):
        return None
    if hasattr(user, _RESIDENT_ATTR):
        return cast("ResidentProfile | None", getattr(user, _RESIDENT_ATTR))
    return (
        ResidentProfile.objects.select_related("community", "grid", "household")
        .defer("id_number")
        .filter(user=user)
        .first()
    )


_HOME_ATTR = "_jiaoliuba_home_path"


def resident_home_path(user: Any) -> str:
    """Where the user is registered as a resident (their grid, else their community);
    "" for someone who is not a resident. Cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return ""
    cached = getattr(user, _HOME_ATTR, None)
    if cached is None:
        resident = resident_of(user)
        cached = resident.region_path if resident is not None else ""
        setattr(user, _HOME_ATTR, cached)
    return cached


def resident_counts(*, user: Viewer) -> dict[str, int]:
    rows = residents_visible_to(user).values("verification_status").annotate(n=Count("pk"))
    counts = {row["verification_status"]: row["n"] for row in rows}
    return {
        "total": sum(counts.values()),
        "verified": counts.get(VerificationStatus.VERIFIED, 0),
        "unverified": counts.get(VerificationStatus.UNVERIFIED, 0),
    }


def user_by_id(*, user_id: Any) -> User | None:
    """A person picked in a form (an assignee, a mediator), or None for no valid id."""
    number = whole_number(user_id)
    return User.objects.filter(pk=number).first() if number is not None else None


def user_by_phone(*, phone: str) -> User | None:
    return User.objects.filter(phone_hash=crypto.lookup_hash(phone, purpose="phone")).first()


def communities_for_choice() -> QuerySet[Region]:
    """Communities a resident may pick as home; region names are public."""
    return (
        Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent").order_by("path")
    )


def grids_of(*, community: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=community).order_by("code")


def user_role_assignments(*, user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user)
        .select_related("region")
        .order_by("region__path", "role")
    )


def guardian_consents_of(*, resident: ResidentProfile) -> QuerySet[GuardianConsent]:
    """For a resident the caller already reached through access_resident."""
    return GuardianConsent.objects.filter(resident=resident).select_related("recorded_by")
