"""Plotly figure specs as plain dicts (data + layout); the page hands them to the
plotly.js that the plotly Python package ships, collected by finders.PlotlyFinder. Building the
dicts directly keeps a request free of plotly's Python import cost."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiaoliuba.dashboards.presenters import DASH

FONT = {"family": "WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, sans-serif", "size": 13}
RED, BLUE, GREEN, AMBER = "#c8161d", "#1d5fbf", "#1f7a3a", "#b26a00"


def _layout(**extra: Any) -> dict[str, Any]:
    return {
        "font": FONT,
        "margin": {"l": 48, "r": 16, "t": 40, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        # Above the plot: below it, the legend ran into the axis tick labels.
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        **extra,
    }


def bucket_label(bucket: str) -> str:
    """A day ("2026-11-08") or month ("2026-01") bucket as people read it: 11月8日,
    2026年1月. The axis is categorical so plotly's English date names never show."""
    parts = [int(part) for part in bucket.split("-")]
    if len(parts) == 3:
        return _("%(month)d/%(day)d") % {"month": parts[1], "day": parts[2]}
    return _("%(month)d/%(year)d") % {"year": parts[0], "month": parts[1]}


def _hover(name: str, value: str) -> str:
    # Names are our own translated strings; %{…} are plotly's placeholders.
    return "%{x}<br>" + name + ": " + value + "<extra></extra>"


def trend_chart(series: list[dict[str, Any]]) -> dict[str, Any]:
    x = [bucket_label(p["bucket"]) for p in series]
    received, resolved, satisfaction = (
        _("Appeals received"),
        _("Appeals resolved"),
        _("Satisfaction rate"),
    )
    return {
        "data": [
            {
                "type": "bar",
                "name": received,
                "x": x,
                "y": [p["received"] for p in series],
                "marker": {"color": BLUE},
                "hovertemplate": _hover(received, "%{y}"),
            },
            {
                "type": "bar",
                "name": resolved,
                "x": x,
                "y": [p["resolved"] for p in series],
                "marker": {"color": GREEN},
                "hovertemplate": _hover(resolved, "%{y}"),
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": satisfaction,
                "hovertemplate": _hover(satisfaction, "%{y}%"),
                "x": x,
                "y": [
                    None
                    if p["satisfaction_rate"] is None
                    else round(p["satisfaction_rate"] * 100, 1)
                    for p in series
                ],
                "yaxis": "y2",
                "line": {"color": RED},
                # A day without ratings has no rate (null, never 0): the line runs on
                # from the last rated day instead of breaking or dropping to zero.
                "connectgaps": True,
            },
        ],
        "layout": _layout(
            barmode="group",
            # Room for the titles beside the tick labels, not on top of them.
            margin={"l": 16, "r": 16, "t": 40, "b": 16},
            xaxis={"type": "category", "automargin": True},
            yaxis={
                "title": {"text": _("Appeals"), "standoff": 8},
                "rangemode": "tozero",
                "automargin": True,
            },
            yaxis2={
                "title": {"text": _("Satisfaction rate (%)"), "standoff": 8},
                "overlaying": "y",
                "side": "right",
                "range": [0, 105],
                # Plotly would otherwise line these ticks up with the count axis (99.8…).
                "tickmode": "array",
                "tickvals": [0, 25, 50, 75, 100],
                "showgrid": False,
                "automargin": True,
            },
        ),
    }


def category_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    labels = [r["label"] for r in rows]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": labels,
                "x": [r[key] for r in rows],
                "marker": {"color": colour},
                "hovertemplate": "%{y}<br>" + str(name) + ": %{x}<extra></extra>",
            }
            for key, name, colour in (
                ("red", _("Red"), RED),
                ("yellow", _("Yellow"), AMBER),
                ("blue", _("Blue"), BLUE),
            )
        ],
        "layout": _layout(barmode="stack", margin={"l": 110, "r": 16, "t": 40, "b": 48}),
    }


def heat_chart(heat: dict[str, Any]) -> dict[str, Any]:
    """Communities down, rates across; a cell without a value stays empty and reads "—"."""
    names = [c["name"] for c in heat["communities"]]
    labels = [k["label"] for k in heat["kpis"]]
    better = [k["higher_is_better"] for k in heat["kpis"]]
    # Colour says good or bad (a high repeat rate is red); the text is the rate itself.
    z = [
        [
            None if v is None else round((v if up else 1 - v) * 100, 1)
            for v, up in zip(c["values"], better, strict=True)
        ]
        for c in heat["communities"]
    ]
    text = [
        [DASH if v is None else f"{v * 100:.0f}" for v in c["values"]] for c in heat["communities"]
    ]
    return {
        "data": [
            {
                "type": "heatmap",
                "x": labels,
                "y": names,
                "z": z,
                "text": text,
                "texttemplate": "%{text}",
                "zmin": 0,
                "zmax": 100,
                "colorscale": [[0, "#f4a3a3"], [0.5, "#ffe0a3"], [1, "#9fd8ae"]],
                "hovertemplate": "%{y} · %{x}: %{text}%<extra></extra>",
                "showscale": False,
            }
        ],
        "layout": _layout(
            height=max(260, 28 * len(names) + 120),
            margin={"l": 120, "r": 16, "t": 16, "b": 110},
            yaxis={"autorange": "reversed"},
            xaxis={"tickangle": -30},
        ),
    }
