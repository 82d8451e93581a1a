"""Chart specs as a Chinese reader sees them (issue 9, item 25)."""

from __future__ import annotations

from django.utils import translation

from jiaoliuba.dashboards import charts


def _series(buckets, rates):
    return [
        {"bucket": b, "received": 1, "resolved": 0, "satisfaction_rate": r}
        for b, r in zip(buckets, rates, strict=True)
    ]


def test_axis_and_hover_labels_are_chinese():
    with translation.override("zh-hans"):
        days = charts.trend_chart(_series(["2026-11-08", "2026-11-09"], [None, 0.5]))
        months = charts.trend_chart(_series(["2025-12", "2026-01"], [None, None]))
    assert days["data"][0]["x"] == ["11月8日", "11月9日"]
    assert months["data"][0]["x"] == ["2025年12月", "2026年1月"]
    # A categorical axis: plotly never formats the dates itself (in English).
    assert days["layout"]["xaxis"]["type"] == "category"
    assert days["data"][0]["hovertemplate"] == "%{x}<br>受理诉求: %{y}<extra></extra>"
    assert days["data"][2]["hovertemplate"].endswith("满意率: %{y}%<extra></extra>")
    assert days["layout"]["yaxis2"]["title"]["text"] == "满意率（%）"
    with translation.override("en"):
        assert charts.bucket_label("2026-01") == "1/2026"


def test_the_satisfaction_line_has_no_breaks_and_no_false_zeros():
    spec = charts.trend_chart(_series(["2026-11-01", "2026-11-02", "2026-11-03"], [1, None, 0.5]))
    line = spec["data"][2]
    assert line["y"] == [100, None, 50]  # a day without ratings is empty, not 0
    assert line["connectgaps"] is True  # and the line runs on across it


def test_axis_titles_do_not_sit_on_the_tick_labels():
    layout = charts.trend_chart(_series(["2026-11-01"], [None]))["layout"]
    for axis in ("xaxis", "yaxis", "yaxis2"):
        assert layout[axis]["automargin"] is True, axis
    assert layout["legend"]["y"] > 1  # above the plot, away from the x tick labels
