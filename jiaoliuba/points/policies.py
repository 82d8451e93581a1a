"""Who may do what with points. Staff act within the subtree where they hold a staff role;
a resident only on their own account and redemptions."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.selectors import user_covers, user_roles

# Honours are confirmed by the community's secretary or someone above, never by a desk clerk.
CONFIRM_ROLES = frozenset(
    {Role.COMMUNITY_SECRETARY, Role.STREET_OFFICER, Role.DISTRICT_OFFICER, Role.CITY_ADMIN}
)

# Points rules hold for the whole city: city administrators change them; street and
# district officers read them (what their residents earn) but a change of theirs would
# reach every other street, so they may not make one.
RULE_EDIT_ROLES = frozenset({Role.CITY_ADMIN})
RULE_VIEW_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.STREET_OFFICER})


def may_view_rules(user: Any) -> bool:
    return bool(user_roles(user) & RULE_VIEW_ROLES)


def may_edit_rules(user: Any) -> bool:
    return bool(user_roles(user) & RULE_EDIT_ROLES)


def covers(user: Any, path: str, *, roles: frozenset[str] = STAFF_ROLES) -> bool:
    return user_covers(user, path, roles=roles)


def may_nominate(user: Any, honour: Any) -> bool:
    return covers(user, honour.community_path)


def may_confirm(user: Any, honour: Any) -> bool:
    return (
        covers(user, honour.community_path, roles=CONFIRM_ROLES)
        and honour.nominated_by_id != user.pk
    )


def may_manage_store(user: Any, item: Any) -> bool:
    return covers(user, item.region_path)


def may_fulfil(user: Any, redemption: Any) -> bool:
    return covers(user, redemption.region_path)


def may_cancel(user: Any, redemption: Any) -> bool:
    return redemption.account.user_id == getattr(user, "pk", None) or covers(
        user, redemption.region_path
    )
