"""The apps' personal-data modules, in the order of settings.PERSONAL_DATA_SOURCES (the
contract is in core/personal_data.py). Accounts comes last: erasing it removes the number
the others still look the person up by."""

from __future__ import annotations

import functools
from importlib import import_module
from types import ModuleType

from django.conf import settings

from jiaoliuba.core.personal_data import Retention


@functools.cache
def _modules(paths: tuple[str, ...]) -> tuple[tuple[str, ModuleType], ...]:
    return tuple((path.rsplit(".", 2)[-2], import_module(path)) for path in paths)


def sources() -> tuple[tuple[str, ModuleType], ...]:
    """(app label, module) pairs."""
    return _modules(tuple(settings.PERSONAL_DATA_SOURCES))


def retention_rules() -> list[tuple[Retention, int]]:
    """Every rule with the days in force (settings.RETENTION_DAYS overrides by kind)."""
    overrides = getattr(settings, "RETENTION_DAYS", {})
    return [
        (rule, int(overrides.get(rule.kind, rule.days)))
        for _label, module in sources()
        for rule in module.RETENTION
    ]
