"""The import direction of docs/architecture.md, enforced: a lower app never imports a
higher one. Every module of the package is parsed (tests and migrations excepted, they
may build any fixture they need), so an import hidden inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jiaoliuba

PACKAGE = Path(jiaoliuba.__file__).parent

_BASE = {"core"}
# What each app may import besides itself. Apps beside each other (notifications and
# triage) do not know each other either; deliberation sits above appeals (a topic can be
# opened from an appeal), so appeals never imports it.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "regions": _BASE,
    "accounts": _BASE | {"regions"},
    "notifications": _BASE | {"regions", "accounts"},
    "triage": _BASE,
    # Points is told of acts by the apps where they happen, so it sits below all of them.
    "points": _BASE | {"regions", "accounts", "notifications"},
    "appeals": _BASE | {"regions", "accounts", "notifications", "triage", "points"},
    "deliberation": _BASE | {"regions", "accounts", "notifications", "triage", "appeals", "points"},
    # Beside appeals: bookings and the expert pool know only the layers below.
    "bookings": _BASE | {"regions", "accounts", "notifications", "points"},
    # The person's rights: it reaches the apps' personal_data modules through settings
    # (PERSONAL_DATA_SOURCES), so it knows only the accounts below it.
    "privacy": _BASE | {"regions", "accounts"},
    # Beside appeals, on top of it: a visit's suggestion or problem becomes an appeal
    # through the appeals intake, so venues may import appeals (never the reverse).
    "venues": _BASE | {"regions", "accounts", "notifications", "points", "appeals"},
    # Community groups and culture read the layers below and reuse appeals (upload checks,
    # the public board), deliberation (sensitive words) and bookings (a 社区故事会 session);
    # none of them imports it. It may read venues (the page's venue slot) once merged.
    "community": _BASE
    | {
        "regions",
        "accounts",
        "notifications",
        "points",
        "appeals",
        "deliberation",
        "bookings",
        "venues",
    },
    "dashboards": _BASE
    | {
        "regions",
        "accounts",
        "notifications",
        "triage",
        "appeals",
        "deliberation",
        "bookings",
        "points",
        "venues",
    },
}
# The shell and the tools around it: they may import anything, and nothing above imports
# them (they are in no app's ALLOWED set).
TOP = {"portal", "api", "demo", "testing", "cli", "__main__", "locale"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(
    source: str, module: str, *, is_package: bool = False
) -> list[tuple[str, int]]:
    """Absolute names of everything `source` imports, relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((name, node.lineno))
    return found


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "jiaoliuba" and len(parts) > 1 else None


def violations_in(source: str, module: str, *, is_package: bool = False) -> list[str]:
    app = app_of(module)
    if app is None or app in TOP:
        return []
    allowed = ALLOWED[app] | {app}
    return [
        f"{module}:{line} imports {name} ({app} may import {sorted(ALLOWED[app]) or 'nothing'})"
        for name, line in imported_modules(source, module, is_package=is_package)
        if app_of(name) is not None and app_of(name) not in allowed
    ]


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
    ]


def test_every_app_has_a_place_in_the_layers():
    apps = {
        p.name
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    }
    apps = {a.removesuffix(".py") for a in apps} - {"__init__"}
    unplaced = apps - set(ALLOWED) - TOP
    assert not unplaced, f"add {sorted(unplaced)} to ALLOWED or TOP and to docs/architecture.md"


def test_no_lower_app_imports_a_higher_one():
    found = []
    for path in _modules():
        found += violations_in(
            path.read_text(encoding="utf-8"),
            _module_name(path),
            is_package=path.name == "__init__.py",
        )
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("module", "source", "bad"),
    [
        ("jiaoliuba.regions.api.routes", "from jiaoliuba.accounts.selectors import x", True),
        ("jiaoliuba.core.views", "def f():\n    import jiaoliuba.triage.classifier", True),
        ("jiaoliuba.regions.api.routes", "from ...accounts import selectors", True),
        ("jiaoliuba.appeals.models", "from . import appeal", False),
        ("jiaoliuba.triage", "from ..dashboards import x", True),
        ("jiaoliuba.triage", "from .models import x", False),
        ("jiaoliuba.appeals.views", "from jiaoliuba.deliberation.models import Topic", True),
        ("jiaoliuba.dashboards.views", "from jiaoliuba.appeals.models import Appeal", False),
        ("jiaoliuba.portal.views", "from jiaoliuba.dashboards import selectors", False),
        ("jiaoliuba.accounts.views", "from jiaoliuba.portal import views", True),
    ],
)
def test_the_checker_sees_every_form_of_import(module, source, bad):
    is_package = module.count(".") == 1
    assert bool(violations_in(source, module, is_package=is_package)) is bad
