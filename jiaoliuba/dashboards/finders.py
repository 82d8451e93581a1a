"""Static files finder for plotly.js as the plotly Python package ships it.

The file comes from the pinned package at collectstatic time, so nothing is fetched from a
CDN and no one else's minified code is committed. Collected like any other static file,
it gets a hashed name, a precompressed .br/.gz beside it and WhiteNoise's far-future cache
headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PACKAGE_DATA = Path(plotly.__file__).parent / "package_data"
# Only plotly.min.js: the package data also holds datasets and a widget bundle.
FILES = {"vendor/plotly/plotly.min.js": "plotly.min.js"}


class PlotlyFinder(BaseFinder):
    def check(self, **kwargs: Any) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path not in FILES:
            # An empty list, not None: staticfiles.finders.find collects what each returns.
            return []
        match = str(PACKAGE_DATA / FILES[path])
        return [match] if find_all else match

    def list(self, ignore_patterns: Any) -> Any:
        for path, name in FILES.items():
            storage = FileSystemStorage(location=str(PACKAGE_DATA))
            # collectstatic copies `path` from `storage`; a prefix maps the name.
            storage.prefix = str(Path(path).parent)  # type: ignore[attr-defined]
            yield name, storage
