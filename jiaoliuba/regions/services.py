"""Region tree writes. The import validates everything first and writes nothing unless
every line is good, so a half-imported tree can never exist."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import ValidationFailed
from jiaoliuba.core.services import audit_record
from jiaoliuba.regions.choices import (
    CODE_LENGTH,
    LEVEL_ORDER,
    SIGNIFICANT_DIGITS,
    RegionLevel,
    parent_level,
)
from jiaoliuba.regions.models import Region

REQUIRED_COLUMNS = ("code", "name", "parent_code", "level")
LEVEL_ALIASES = {
    "市": RegionLevel.CITY,
    "区": RegionLevel.DISTRICT,
    "县": RegionLevel.DISTRICT,
    "区/县": RegionLevel.DISTRICT,
    "街道": RegionLevel.STREET,
    "乡镇": RegionLevel.STREET,
    "街道/乡镇": RegionLevel.STREET,
    "社区": RegionLevel.COMMUNITY,
    "村": RegionLevel.COMMUNITY,
    "社区/村": RegionLevel.COMMUNITY,
    "网格": RegionLevel.GRID,
}


@dataclass
class RegionRow:
    line: int
    code: str
    name: str
    parent_code: str
    level: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def normalize_code(raw: str, level: str) -> str:
    """Statistical codes are 12 digits; people often write the 6-digit administrative
    code for a city or district (411702) or 9 digits for a street. Pad those."""
    code = raw.strip()
    if level != RegionLevel.GRID and code.isdigit() and len(code) in (6, 9):
        code = code.ljust(12, "0")
    return code


def parse_region_csv(text: str) -> list[RegionRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(
            _("Line 1: the header must contain the columns code, name, parent_code, level."),
            code="invalid_header",
            extra={
                "errors": [
                    gettext("line %(line)s: %(error)s")
                    % {
                        "line": 1,
                        "error": gettext("missing columns %(columns)s")
                        % {"columns": ", ".join(missing)},
                    }
                ]
            },
        )
    rows = []
    for index, record in enumerate(reader, start=2):
        record = {(k or "").strip(): (v or "").strip() for k, v in record.items() if k}
        level_raw = record.get("level", "")
        level = LEVEL_ALIASES.get(level_raw, level_raw.lower())
        rows.append(
            RegionRow(
                line=index,
                code=normalize_code(record.get("code", ""), level),
                name=record.get("name", ""),
                parent_code=normalize_code(record.get("parent_code", ""), parent_level(level) or "")
                if level in RegionLevel.values
                else record.get("parent_code", ""),
                level=level,
            )
        )
    return rows


def _validate(rows: list[RegionRow]) -> list[str]:
    errors: list[str] = []
    seen: dict[str, RegionRow] = {}
    for row in rows:
        if row.code in seen:
            errors.append(
                gettext("line %(line)s: code %(code)s already appears on line %(other)s")
                % {"line": row.line, "code": row.code, "other": seen[row.code].line}
            )
        else:
            seen[row.code] = row
    existing = {
        r.code: r
        for r in Region.objects.filter(
            code__in={r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
        )
    }
    for row in rows:

        def at_line(message: str, line: int = row.line) -> str:
            return gettext("line %(line)s: %(error)s") % {"line": line, "error": message}

        if row.level not in RegionLevel.values:
            errors.append(
                at_line(
                    gettext(
                        "unknown level %(level)r (use city, district, street, community or grid)"
                    )
                    % {"level": row.level}
                )
            )
            continue
        if not row.name:
            errors.append(at_line(gettext("the name is empty")))
        elif len(row.name) > 100:
            errors.append(at_line(gettext("the name is longer than 100 characters")))
        expected = CODE_LENGTH[RegionLevel(row.level)]
        if not (row.code.isdigit() and len(row.code) == expected):
            errors.append(
                at_line(
                    gettext("code %(code)r must be %(n)s digits for this level")
                    % {"code": row.code, "n": expected}
                )
            )
            continue
        significant = SIGNIFICANT_DIGITS[RegionLevel(row.level)]
        if row.level != RegionLevel.GRID and set(row.code[significant:]) - {"0"}:
            errors.append(
                at_line(
                    gettext(
                        "code %(code)s does not fit its level (digits after the first %(n)s must be 0)"
                    )
                    % {"code": row.code, "n": significant}
                )
            )
        above = parent_level(row.level)
        # The digits a node adds to its parent's (a city adds digits 3-4 to its province).
        own_from = SIGNIFICANT_DIGITS[RegionLevel(above)] if above else 2
        if set(row.code[own_from:significant]) == {"0"}:
            errors.append(
                at_line(
                    gettext("code %(code)s does not identify a %(level)s")
                    % {"code": row.code, "level": RegionLevel(row.level).label}
                )
            )
        if row.code in existing and existing[row.code].level != row.level:
            errors.append(
                at_line(
                    gettext("code %(code)s already exists with another level") % {"code": row.code}
                )
            )
        wanted_parent = parent_level(row.level)
        if wanted_parent is None:
            if row.parent_code:
                errors.append(at_line(gettext("a city has no parent; leave parent_code empty")))
            continue
        if not row.parent_code:
            errors.append(at_line(gettext("parent_code is required for this level")))
            continue
        parent = seen.get(row.parent_code) or existing.get(row.parent_code)
        if parent is None:
            errors.append(
                at_line(
                    gettext("parent %(code)s is neither in the file nor in the database")
                    % {"code": row.parent_code}
                )
            )
            continue
        if parent.level != wanted_parent:
            errors.append(
                at_line(
                    gettext("the parent of a %(level)s must be a %(parent)s")
                    % {
                        "level": RegionLevel(row.level).label,
                        "parent": RegionLevel(wanted_parent).label,
                    }
                )
            )
            continue
        parent_significant = SIGNIFICANT_DIGITS[RegionLevel(wanted_parent)]
        if row.code[:parent_significant] != row.parent_code[:parent_significant]:
            errors.append(
                at_line(
                    gettext("code %(code)s does not start with its parent's code %(parent)s")
                    % {"code": row.code, "parent": row.parent_code[:parent_significant]}
                )
            )
    return errors


def regions_import(*, rows: Iterable[RegionRow], actor: Any = None) -> ImportReport:
    """Create or update regions. Idempotent: importing the same file twice changes nothing
    the second time. Raises ValidationFailed listing every bad line; writes nothing then."""
    rows = list(rows)
    errors = _validate(rows)
    if errors:
        raise ValidationFailed(
            _("The file has errors; nothing was imported."),
            code="invalid_file",
            extra={"errors": errors},
        )
    report = ImportReport()
    ordered = sorted(rows, key=lambda r: LEVEL_ORDER.index(RegionLevel(r.level)))
    with transaction.atomic():
        by_code = {
            r.code: r
            for r in Region.objects.filter(
                code__in={row.code for row in rows}
                | {row.parent_code for row in rows if row.parent_code}
            )
        }
        for row in ordered:
            parent = by_code.get(row.parent_code) if row.parent_code else None
            path = (parent.path if parent else "") + Region.path_segment(row.code)
            current = by_code.get(row.code)
            if current is None:
                by_code[row.code] = Region.objects.create(
                    code=row.code, name=row.name, level=row.level, parent=parent, path=path
                )
                report.created += 1
            elif current.name != row.name:
                before = {"name": current.name}
                current.name = row.name
                current.save(update_fields=["name", "updated_at"])
                audit_record(
                    actor=actor,
                    action="region.rename",
                    target=current,
                    before=before,
                    after={"name": row.name},
                )
                report.updated += 1
            else:
                report.unchanged += 1
    return report
