"""Who may do what with a topic. Pure functions of the person's roles and home and the
topic's scope; the transition table (transitions.py) combines them with the stages."""

from __future__ import annotations

from typing import Any

from jiaoliuba.accounts.choices import STAFF_ROLES, Role
from jiaoliuba.accounts.selectors import (
    resident_home_path,
    user_covers,
    user_scope_paths,
)
from jiaoliuba.deliberation.models import Topic, TopicSupport

# Staff who run deliberation where they hold their role (a grid worker only for the
# topics of their grid).
MANAGE_ROLES = STAFF_ROLES
# 上级交办 comes from a street or above.
ASSIGN_ROLES = frozenset({Role.STREET_OFFICER, Role.DISTRICT_OFFICER, Role.CITY_ADMIN})
# 社区派单: the community and above.
CREATE_ROLES = frozenset(
    {
        Role.COMMUNITY_STAFF,
        Role.COMMUNITY_SECRETARY,
        Role.STREET_OFFICER,
        Role.DISTRICT_OFFICER,
        Role.CITY_ADMIN,
    }
)


# One definition for every app: accounts.selectors.resident_home_path.
home_path = resident_home_path


def is_member(user: Any, topic: Topic) -> bool:
    """A resident of the topic's scope: they may support it and join the discussion."""
    home = home_path(user)
    return bool(home) and home.startswith(topic.scope_path)


def has_supported(user: Any, topic: Topic) -> bool:
    return TopicSupport.objects.filter(topic=topic, user_id=getattr(user, "pk", 0) or 0).exists()


def may_manage(user: Any, topic: Topic) -> bool:
    """Staff whose scope covers the topic's: they move its stages and moderate it."""
    return user_covers(user, topic.scope_path, roles=MANAGE_ROLES)


def staff_sees(user: Any, topic: Topic) -> bool:
    """Staff see the topics of their scope and those of the levels above it that cover
    their area (a grid worker sees the topics of their community)."""
    return any(
        topic.scope_path.startswith(p) or p.startswith(topic.scope_path)
        for p in user_scope_paths(user, roles=STAFF_ROLES)
    )


def may_view(user: Any, topic: Topic) -> bool:
    return is_member(user, topic) or staff_sees(user, topic)


def may_create_at(user: Any, scope_path: str, *, assigned: bool) -> bool:
    """社区派单 for a scope inside the creator's; 上级交办 strictly below the assigner."""
    roles = ASSIGN_ROLES if assigned else CREATE_ROLES
    return any(
        scope_path.startswith(p) and (not assigned or len(p) < len(scope_path))
        for p in user_scope_paths(user, roles=roles)
    )
