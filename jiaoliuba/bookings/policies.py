"""Who may do what with services, sessions, bookings and the expert pool. Pure
functions of the person's roles and home and the object's region path; the transition
tables (transitions.py) combine them with the states."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.selectors import (
    resident_home_path,
    user_covers,
    user_scope_paths,
)

# Staff who may read consultation notes in their scope, besides the professional.
NOTE_ROLES = frozenset(
    {
        Role.COMMUNITY_SECRETARY,
        Role.STREET_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.CITY_ADMIN,
    }
)
# Running a catalogue is a community's (or higher) work, not a grid worker's.
MANAGE_ROLES = STAFF_ROLES - {Role.GRID_WORKER}


# One definition for every app: accounts.selectors.resident_home_path.
home_path = resident_home_path


def manages(user: Any, path: str) -> bool:
    """Staff whose scope covers `path` run its catalogue, sessions and attendance."""
    return user_covers(user, path, roles=MANAGE_ROLES)


def staff_sees(user: Any, path: str) -> bool:
    """Staff see what lies in their scope and what is offered above it to their area
    (a community sees its street's services)."""
    return any(
        path.startswith(p) or p.startswith(path) for p in user_scope_paths(user, roles=STAFF_ROLES)
    )


def offered_to(user: Any, path: str) -> bool:
    """A resident may book what their community or street offers."""
    home = home_path(user)
    return bool(home) and home.startswith(path)


def reads_notes(user: Any, path: str) -> bool:
    return user_covers(user, path, roles=NOTE_ROLES)
