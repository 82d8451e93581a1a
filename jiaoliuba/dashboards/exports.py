"""Excel files of the KPI table and of a filtered appeal list (openpyxl, write-only so a
large list streams instead of filling memory). Numbers go in as numbers, with the same
"—" as the page where there is none; every cell goes through jiaoliuba.core.xlsx, which
keeps text that looks like a formula text."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core import xlsx
from jiaoliuba.core.choice_labels import choice_label
from jiaoliuba.dashboards.choices import KPI_BY_KEY, Unit
from jiaoliuba.dashboards.kpis import Figure
from jiaoliuba.dashboards.presenters import DASH
from jiaoliuba.dashboards.selectors import NodeRow
from jiaoliuba.regions.models import Region

MAX_APPEAL_ROWS = 200_000


def _cell(sheet, value, *, unit: str | None = None, bold: bool = False):
    number_format = None
    if unit == Unit.RATE and value is not None:
        number_format = "0.0%"
    elif unit == Unit.HOURS and value is not None:
        number_format = "0.0"
    value = DASH if value is None and unit else value
    return xlsx.cell(sheet, value, number_format=number_format, bold=bold)


def _header(sheet, titles: Iterable[str]):
    sheet.append([_cell(sheet, str(t), bold=True) for t in titles])


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def kpi_workbook(
    *,
    region: Region,
    period_label: str,
    previous_label: str,
    figures: dict[str, Figure],
    children: list[NodeRow],
    as_of_label: str = "",
) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("KPIs"))
    title = [_cell(sheet, f"{region.name} · {period_label}", bold=True)]
    sheet.append([*title, _cell(sheet, as_of_label)] if as_of_label else title)
    _header(
        sheet,
        [
            _("Figure"),
            period_label,
            previous_label,
            _("Change %"),
            _("Change (points)"),
            _("Numerator"),
            _("Denominator"),
        ],
    )
    for figure in figures.values():
        spec = KPI_BY_KEY[figure.key]
        sheet.append(
            [
                _cell(sheet, str(spec.label)),
                _cell(sheet, figure.value, unit=spec.unit),
                _cell(sheet, figure.previous, unit=spec.unit),
                _cell(
                    sheet,
                    None if figure.change_percent is None else figure.change_percent / 100,
                    unit=Unit.RATE,
                ),
                _cell(
                    sheet,
                    figure.change_points,
                    unit=Unit.HOURS if figure.change_points is not None else None,
                ),
                _cell(sheet, figure.numerator),
                _cell(sheet, figure.denominator),
            ]
        )
    if children:
        sheet = book.create_sheet(_("By area"))
        keys = list(children[0].figures)
        _header(sheet, [_("Area")] + [str(KPI_BY_KEY[k].label) for k in keys])
        for row in children:
            sheet.append(
                [_cell(sheet, row.region.name)]
                + [_cell(sheet, row.figures[k].value, unit=KPI_BY_KEY[k].unit) for k in keys]
            )
    return _save(book)


def appeal_workbook(appeals: Iterable[Appeal]) -> bytes:
    """The list leaders ask for; no names or phone numbers (they are not needed to
    follow up an appeal and must not travel in a spreadsheet)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Appeals"))
    _header(
        sheet,
        [
            _("Number"),
            _("Received"),
            _("Community"),
            _("Grid"),
            _("Priority"),
            _("Category"),
            _("Status"),
            _("Anonymous"),
            _("First response"),
            _("Resolved"),
            _("Original deadline"),
            _("Repeat"),
            _("Handled at"),
        ],
    )

    def when(moment):
        return timezone.localtime(moment).replace(tzinfo=None) if moment else None

    for count, appeal in enumerate(
        appeals.iterator(chunk_size=2000) if hasattr(appeals, "iterator") else appeals
    ):
        if count >= MAX_APPEAL_ROWS:
            sheet.append(
                xlsx.row(
                    sheet,
                    [
                        _("Only the first %(n)d rows are included; narrow the filter.")
                        % {"n": MAX_APPEAL_ROWS}
                    ],
                )
            )
            break
        sheet.append(
            xlsx.row(
                sheet,
                [
                    appeal.number,
                    when(appeal.received_at),
                    appeal.community.name,
                    appeal.grid.name if appeal.grid else "",
                    choice_label(appeal, "priority"),
                    choice_label(appeal, "category"),
                    choice_label(appeal, "status"),
                    _("yes") if appeal.is_anonymous else "",
                    when(appeal.first_response_at),
                    when(appeal.resolved_at),
                    when(appeal.resolution_due_original_at),
                    _("yes") if appeal.is_repeat or appeal.reopen_count else "",
                    appeal.handling_region.name if appeal.handling_region else "",
                ],
            )
        )
    return _save(book)
