"""Who may do what with an appeal already in their scope."""

from __future__ import annotations

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.accounts.selectors import user_roles_at
from jiaoliuba.appeals.models import Appeal

DISPATCH_ROLES = frozenset(
    {
        Role.COMMUNITY_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.STREET_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.CITY_ADMIN,
    }
)
SUPERVISE_ROLES = DISPATCH_ROLES
# One level up from where an appeal is handled, for escalation.
ESCALATION_ROLE = {
    "grid": Role.COMMUNITY_STAFF,
    "community": Role.STREET_OFFICER,
    "street": Role.DISTRICT_OFFICER,
    "district": Role.CITY_ADMIN,
}


def _holds(user: User, roles: frozenset[str], contains: str, *, strictly: bool = False) -> bool:
    for role, paths in user_roles_at(user).items():
        if role in roles:
            for path in paths:
                if contains.startswith(path) and (not strictly or len(path) < len(contains)):
                    return True
    return False


def may_dispatch(user: User, appeal: Appeal) -> bool:
    return _holds(user, DISPATCH_ROLES, appeal.region_path)


def triages_appeals(user: User) -> bool:
    """Whether the user dispatches, and so triages, incoming appeals somewhere."""
    return any(role in DISPATCH_ROLES for role in user_roles_at(user))


def may_handle(user: User, appeal: Appeal) -> bool:
    """The assignee; or, while the appeal waits at a unit without a named handler, anyone
    holding the unit's role there."""
    if appeal.assignee_id is not None:
        return appeal.assignee_id == user.pk
    if appeal.handling_region is None or not appeal.handling_role:
        return False
    return _holds(user, frozenset({appeal.handling_role}), appeal.handling_region.path)


def may_supervise(user: User, appeal: Appeal) -> bool:
    """Staff above the unit handling the appeal (督办, extensions, reviews)."""
    region = appeal.handling_region
    if region is None:
        return may_dispatch(user, appeal)
    strictly = region.level != "city"
    return _holds(user, SUPERVISE_ROLES, region.path, strictly=strictly)


def may_reveal_submitter(user: User) -> bool:
    return bool(user.has_perm("appeals.reveal_anonymous_submitter"))


# Seniority of the staff posts, for 催办/督办: only someone above the handler may press them.
_RANK: dict[str, int] = {
    Role.PROFESSIONAL: 0,
    Role.VOLUNTEER: 0,
    Role.AUDITOR: 0,
    Role.GRID_WORKER: 1,
    Role.COMMUNITY_STAFF: 2,
    Role.COMMUNITY_SECRETARY: 3,
    Role.STREET_OFFICER: 4,
    Role.DISTRICT_OFFICER: 5,
    Role.CITY_ADMIN: 6,
}


def may_urge(user: User, appeal: Appeal) -> bool:
    """催办 and manual 督办: staff whose scope covers the handling unit and who stand above
    the handler, either at a higher level of the tree or in a more senior post of the same
    unit (a secretary urging community staff). Nobody urges themselves or a peer, and
    grid workers urge nobody."""
    region = appeal.handling_region
    if region is None or not appeal.handling_role or appeal.assignee_id == user.pk:
        return False
    handler_rank = _RANK.get(appeal.handling_role, 0)
    for role, paths in user_roles_at(user).items():
        if role not in SUPERVISE_ROLES:
            continue
        for path in paths:
            if not region.path.startswith(path):
                continue
            if len(path) < len(region.path) or _RANK[role] > handler_rank:
                return True
    return False


def person_linkable(appeal: Appeal) -> bool:
    """Whether an appeal may be tied to its filer's other appeals where staff can see it
    (repeat links, the one-person risk alert). An anonymous appeal never is: a link to a
    named appeal of the same person names the filer, and only reveal_submitter (a
    privileged role, with a logged reason) may do that. The price is that anonymous
    appeals are never counted as person-based repeats (a reopened one still is)."""
    return not appeal.is_anonymous and appeal.submitter_id is not None
