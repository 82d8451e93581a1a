"""Who may do what with points. Staff act within the subtree where they hold a staff role;
a resident only on their own account and redemptions."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.selectors import user_scope_paths


def covers(user: Any, path: str) -> bool:
    return bool(path) and any(path.startswith(p) for p in user_scope_paths(user))


def may_manage_store(user: Any, item: Any) -> bool:
    return covers(user, item.region_path)


def may_fulfil(user: Any, redemption: Any) -> bool:
    return covers(user, redemption.region_path)


def may_cancel(user: Any, redemption: Any) -> bool:
    return redemption.account.user_id == getattr(user, "pk", None) or covers(
        user, redemption.region_path
    )
