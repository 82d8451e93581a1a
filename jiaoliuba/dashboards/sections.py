"""Sections fed by other modules (settings.DASHBOARD_SOURCES["sections"]; the contract is in
sources.py): each provider counts, this module lays the counts out for the region and the
period (with the period before and the change) and for each child area, the way the key
figures are laid out. Dashboards knows nothing of what the lines mean."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jiaoliuba.dashboards import sources
from jiaoliuba.dashboards.choices import Unit
from jiaoliuba.dashboards.kpis import Figure, change
from jiaoliuba.dashboards.periods import Period
from jiaoliuba.dashboards.presenters import fmt, fmt_change
from jiaoliuba.regions.models import Region


@dataclass
class SectionLine:
    key: str
    label: Any
    group: Any
    unit: str
    value: float | None
    previous: float | None
    numerator: int | None = None
    denominator: int | None = None
    change_percent: float | None = None
    change_points: float | None = None

    @property
    def shown(self) -> str:
        return fmt(self.value, self.unit)

    @property
    def previous_shown(self) -> str:
        return fmt(self.previous, self.unit)

    @property
    def change_shown(self) -> str:
        return fmt_change(
            Figure(
                self.key,
                self.value,
                change_percent=self.change_percent,
                change_points=self.change_points,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": str(self.label),
            "group": str(self.group),
            "unit": self.unit,
            "value": self.value,
            "previous": self.previous,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "change_percent": self.change_percent,
            "change_points": self.change_points,
            "shown": self.shown,
            "previous_shown": self.previous_shown,
        }


@dataclass
class SectionArea:
    region: Region
    values: dict[str, float | None]
    shown: list[str] = field(default_factory=list)


@dataclass
class SectionTable:
    key: str
    title: Any
    lines: list[SectionLine]
    area_columns: list[tuple[str, Any]]
    areas: list[SectionArea]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "lines": [line.as_dict() for line in self.lines],
            "areas": [
                {
                    "region": {
                        "id": area.region.pk,
                        "code": area.region.code,
                        "name": area.region.name,
                        "level": area.region.level,
                    },
                    "values": area.values,
                }
                for area in self.areas
            ],
        }


def _values(provider: Any, counts: dict[str, int]) -> dict[str, tuple[float | None, int, int]]:
    """{key: (value, numerator, denominator)} for every line and rate of the provider."""
    found: dict[str, tuple[float | None, int, int]] = {}
    for key, _label, _group in provider.lines:
        n = counts.get(key, 0)
        found[key] = (n, n, 1)
    for key, _label, numerator, denominators in provider.rates:
        top = counts.get(numerator, 0)
        bottom = sum(counts.get(d, 0) for d in denominators)
        found[key] = (top / bottom if bottom else None, top, bottom)
    return found


def _units(provider: Any) -> dict[str, str]:
    return {key: Unit.COUNT for key, *_rest in provider.lines} | {
        key: Unit.RATE for key, *_rest in provider.rates
    }


def _labels(provider: Any) -> dict[str, tuple[Any, Any]]:
    labels = {key: (label, group) for key, label, group in provider.lines}
    for key, label, *_rest in provider.rates:
        labels[key] = (label, "")
    return labels


def section_tables(*, region: Region, period: Period) -> list[SectionTable]:
    """One table per connected section: the region's lines for the period and the one
    before, and its child areas (drill-down) with the section's area columns."""
    tables = []
    previous = period.previous()
    children = list(Region.objects.filter(parent=region).order_by("code"))
    child_width = len(children[0].path) if children else 0
    for source in sources.section_providers():
        provider = source.provider
        units, labels = _units(provider), _labels(provider)
        width = len(region.path)
        now = _values(
            provider,
            provider.count(region.path, width, period.start, period.end).get(region.path, {}),
        )
        before = _values(
            provider,
            provider.count(region.path, width, previous.start, previous.end).get(region.path, {}),
        )
        lines = []
        for key, (value, top, bottom) in now.items():
            percent, points = change(before[key][0], value, units[key])
            rate = units[key] == Unit.RATE
            lines.append(
                SectionLine(
                    key=key,
                    label=labels[key][0],
                    group=labels[key][1],
                    unit=units[key],
                    value=value,
                    previous=before[key][0],
                    numerator=top if rate else None,
                    denominator=bottom if rate else None,
                    change_percent=percent,
                    change_points=points,
                )
            )
        areas = []
        if children:
            by_node = provider.count(region.path, child_width, period.start, period.end)
            for child in children:
                values = _values(provider, by_node.get(child.path, {}))
                row = {key: values[key][0] for key in provider.area_keys}
                areas.append(
                    SectionArea(
                        child, row, [fmt(row[key], units[key]) for key in provider.area_keys]
                    )
                )
        tables.append(
            SectionTable(
                key=provider.key,
                title=provider.title,
                lines=lines,
                area_columns=[(key, labels[key][0]) for key in provider.area_keys],
                areas=areas,
            )
        )
    return tables
