"""Who may do what in the community app: pure functions of the person and the object.
Staff roles cover their subtree (a grid worker: their grid); volunteers serve the
communities where they hold the role."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.selectors import resident_home_path, user_covers

VOLUNTEER_ROLES = frozenset({Role.VOLUNTEER}) | STAFF_ROLES


def is_staff_of(user: Any, path: str) -> bool:
    return user_covers(user, path)


def lives_in(user: Any, path: str) -> bool:
    """A resident registered in the subtree at `path` (their community or grid)."""
    home = resident_home_path(user)
    return bool(home) and home.startswith(path)


def may_run_channel(user: Any, channel: Any) -> bool:
    return is_staff_of(user, channel.region_path)


def may_edit_notice(user: Any, notice: Any) -> bool:
    return is_staff_of(user, notice.region_path)


def may_claim_wish(user: Any, wish: Any) -> bool:
    """Volunteers (and staff) serving the wish's community, never its author."""
    return (
        getattr(user, "pk", None) is not None
        and user.pk != wish.author_id
        and user_covers(user, wish.region_path, roles=VOLUNTEER_ROLES)
    )


def may_fulfil_wish(user: Any, wish: Any) -> bool:
    return getattr(user, "pk", None) == wish.claimed_by_id or is_staff_of(user, wish.region_path)


def may_withdraw_wish(user: Any, wish: Any) -> bool:
    return getattr(user, "pk", None) == wish.author_id or is_staff_of(user, wish.region_path)


def may_decide_idea(user: Any, idea: Any) -> bool:
    return is_staff_of(user, idea.region_path) and getattr(user, "pk", None) != idea.author_id


def may_review_story(user: Any, story: Any) -> bool:
    return is_staff_of(user, story.region_path)
