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
        "margin": {"l": 48, "r": 16, "t": 16, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.2},
        **extra,
    }


def trend_chart(series: list[dict[str, Any]]) -> dict[str, Any]:
    x = [p["bucket"] for p in series]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Appeals received"),
                "x": x,
                "y": [p["received"] for p in series],
                "marker": {"color": BLUE},
            },
            {
                "type": "bar",
                "name": _("Appeals resolved"),
                "x": x,
                "y": [p["resolved"] for p in series],
                "marker": {"color": GREEN},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Satisfaction rate"),
                "x": x,
                "y": [
                    None
                    if p["satisfaction_rate"] is None
                    else round(p["satisfaction_rate"] * 100, 1)
                    for p in series
                ],
                "yaxis": "y2",
                "line": {"color": RED},
                "connectgaps": False,
            },
        ],
        "layout": _layout(
            barmode="group",
            yaxis={"title": {"text": _("Appeals")}, "rangemode": "tozero"},
            yaxis2={"title": {"text": "%"}, "overlaying": "y", "side": "right", "range": [0, 100]},
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
            }
            for key, name, colour in (
                ("red", _("Red"), RED),
                ("yellow", _("Yellow"), AMBER),
                ("blue", _("Blue"), BLUE),
            )
        ],
        "layout": _layout(barmode="stack", margin={"l": 110, "r": 16, "t": 16, "b": 48}),
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
