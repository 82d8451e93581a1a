"""Who may do what with a vote already in their scope."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import user_roles_at

# Community staff and everyone above organise votes in their subtree.
ORGANISER_ROLES = frozenset(
    {
        Role.COMMUNITY_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.STREET_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.CITY_ADMIN,
    }
)


def may_organise_at(user: Any, path: str) -> bool:
    for role, paths in user_roles_at(user).items():
        if role in ORGANISER_ROLES and any(path.startswith(p) for p in paths):
            return True
    return False


def may_manage(user: Any, vote: Any) -> bool:
    """Open, close, cancel, enter and correct paper ballots, print the tally sheet."""
    return may_organise_at(user, vote.scope_path)


def may_cast(user: Any, vote: Any) -> bool:
    """Anyone signed in may try; the service decides eligibility with a clear reason."""
    return bool(getattr(user, "is_authenticated", False))
