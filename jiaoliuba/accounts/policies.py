"""Who may do what. Scope (which objects a user can see at all) lives in selectors;
these functions decide what a user may do with an object already in scope."""

from __future__ import annotations

from jiaoliuba.accounts.choices import Role

# Roles that phone residents back and so may see a full number (each view is logged).
PHONE_REVEAL_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY})
VERIFY_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY})


def roles_covering(roles_at: dict[str, list[str]], path: str) -> set[str]:
    """Roles whose region (given by path) contains `path`."""
    return {role for role, paths in roles_at.items() if any(path.startswith(p) for p in paths)}


def may_any(roles_at: dict[str, list[str]], path: str, allowed: frozenset[str]) -> bool:
    return bool(roles_covering(roles_at, path) & allowed)
