"""Routing rules and time limits: every change goes through here, so that the rulebook
every intake reads from memory (`jiaoliuba.appeals.rulebook`) is replaced at once."""

from __future__ import annotations

from django.db import transaction

from jiaoliuba.appeals import rulebook
from jiaoliuba.appeals.models import RoutingRule, TimeLimit


def routing_rule_save(*, rule: RoutingRule) -> RoutingRule:
    with transaction.atomic():
        rule.save()
        rulebook.changed()
    return rule


def routing_rule_delete(*, rule: RoutingRule) -> None:
    with transaction.atomic():
        rule.delete()
        rulebook.changed()


def time_limit_save(*, limit: TimeLimit) -> TimeLimit:
    with transaction.atomic():
        limit.save()
        rulebook.changed()
    return limit


def time_limit_delete(*, limit: TimeLimit) -> None:
    with transaction.atomic():
        limit.delete()
        rulebook.changed()


def rules_changed_in_bulk() -> None:
    """After a queryset update or delete of rules or limits (the admin's bulk delete)."""
    rulebook.changed()
