"""plotly.js is collected from the pinned package, unless collectstatic is told to ignore it."""

from django.contrib.staticfiles.finders import get_finder

FINDER = "jiaoliuba.dashboards.finders.PlotlyFinder"


def _listed(patterns: list[str]) -> list[str]:
    return [f"{storage.prefix}/{name}" for name, storage in get_finder(FINDER).list(patterns)]


def test_lists_plotly_by_default():
    assert _listed([]) == ["vendor/plotly/plotly.min.js"]
    assert _listed(["*.css", "admin/*"]) == ["vendor/plotly/plotly.min.js"]


def test_honours_ignore_patterns_by_name_or_path():
    assert _listed(["plotly*"]) == []
    assert _listed(["*.js"]) == []
    assert _listed(["vendor/plotly/*"]) == []
    assert _listed(["vendor/*"]) == []
