"""Who may do what with venues, the rota and the visit log: pure functions of the
person's roles and the venue's community path. The transition tables combine them with
the states (transitions.py)."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.selectors import resident_home_path, user_covers, user_scope_paths

# Running a venue (registry, hours, rota, approvals) is community work or higher.
MANAGE_ROLES = STAFF_ROLES - {Role.GRID_WORKER}
GRID = frozenset({Role.GRID_WORKER})


def manages(user: Any, path: str) -> bool:
    return user_covers(user, path, roles=MANAGE_ROLES)


def sees(user: Any, path: str) -> bool:
    """Staff covering the venue's community, and the community's grid workers, see its
    rota and visit log and log visits at its desk."""
    if user_covers(user, path, roles=STAFF_ROLES):
        return True
    return any(p.startswith(path) for p in user_scope_paths(user, roles=GRID))


home_path = resident_home_path
