"""Who may do what with a meeting or a resolution. Pure functions of the person's roles,
home and seat at the table; meetings/transitions.py combines them with the states."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.selectors import user_covers, user_scope_paths
from jiaoliuba.core import clock
from jiaoliuba.deliberation.models import Meeting, MeetingParty, Resolution, Supervisor
from jiaoliuba.deliberation.policies import CREATE_ROLES, home_path

# QR check-in opens this long before the meeting starts.
CHECKIN_OPENS_BEFORE = dt.timedelta(hours=2)


def may_organise_at(user: Any, path: str) -> bool:
    """Community staff and above, inside their scope, organise meetings."""
    return user_covers(user, path, roles=CREATE_ROLES)


def may_manage(user: Any, meeting: Meeting) -> bool:
    return may_organise_at(user, meeting.scope_path)


def staff_sees(user: Any, path: str) -> bool:
    """Staff of the scope, and grid workers and others below it, see its meetings."""
    return any(
        path.startswith(p) or p.startswith(path) for p in user_scope_paths(user, roles=STAFF_ROLES)
    )


def is_resident_of(user: Any, path: str) -> bool:
    home = home_path(user)
    return bool(home) and home.startswith(path)


def is_party(user: Any, meeting: Meeting) -> bool:
    pk = getattr(user, "pk", None)
    return pk is not None and MeetingParty.objects.filter(meeting=meeting, user_id=pk).exists()


def may_view(user: Any, meeting: Meeting) -> bool:
    return (
        is_resident_of(user, meeting.scope_path)
        or staff_sees(user, meeting.scope_path)
        or is_party(user, meeting)
    )


def may_check_in(user: Any, meeting: Meeting) -> bool:
    """Invited parties, and residents of the meeting's area who come to listen."""
    return is_party(user, meeting) or is_resident_of(user, meeting.scope_path)


def checkin_open(meeting: Meeting) -> bool:
    return clock.now() >= meeting.starts_at - CHECKIN_OPENS_BEFORE


def may_manage_resolution(user: Any, resolution: Resolution) -> bool:
    return may_organise_at(user, resolution.scope_path)


def may_object(user: Any, resolution: Resolution) -> bool:
    return is_resident_of(user, resolution.scope_path)


def is_supervisor(user: Any, resolution: Resolution) -> bool:
    pk = getattr(user, "pk", None)
    return pk is not None and Supervisor.objects.filter(resolution=resolution, user_id=pk).exists()


def may_join_supervision(user: Any, path: str) -> bool:
    """The group is of residents and volunteers of the area."""
    if is_resident_of(user, path):
        return True
    return any(
        path.startswith(p) or p.startswith(path)
        for p in user_scope_paths(user, roles=frozenset({Role.VOLUNTEER}))
    )


def may_view_resolution(user: Any, resolution: Resolution) -> bool:
    return (
        is_resident_of(user, resolution.scope_path)
        or staff_sees(user, resolution.scope_path)
        or is_party(user, resolution.meeting)
        or is_supervisor(user, resolution)
    )
