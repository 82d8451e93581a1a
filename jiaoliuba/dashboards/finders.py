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
from django.contrib.staticfiles.utils import matches_patterns
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
            # As staticfiles.utils.get_files does: `collectstatic -i` matches the file's
            # name or its path (here the collected one, vendor/plotly/plotly.min.js).
            if matches_patterns(name, ignore_patterns or []) or matches_patterns(
                path, ignore_patterns or []
            ):
                continue
            storage = FileSystemStorage(location=str(PACKAGE_DATA))
            # collectstatic copies `path` from `storage`; a prefix maps the name.
            storage.prefix = str(Path(path).parent)  # type: ignore[attr-defined]
            yield name, storage


# What plotly.js needs beyond `style-src 'self'` under the site's Content-Security-Policy,
# allowed on the dashboard pages only, each as the hash of one exact, fixed text (no
# 'unsafe-inline'): the empty <style id="plotly.js-style-global"> it fills through the CSSOM,
# the maplibre CSS it bundles, and the `image-rendering` style of a heatmap drawn as an image.
# tests/test_plotly_csp.py recomputes them from the pinned plotly.min.js.
PLOTLY_STYLE_TEXTS = {
    "empty style element": "",
    "maplibre CSS": None,  # read from plotly.min.js by the test (83 KB)
    "heatmap image-rendering": "".join(
        f"image-rendering: {value}; "
        for value in (
            "optimizeSpeed",
            "-moz-crisp-edges",
            "-o-crisp-edges",
            "-webkit-optimize-contrast",
            "optimize-contrast",
            "crisp-edges",
            "pixelated",
        )
    ),
}
PLOTLY_STYLE_HASHES = {
    "empty style element": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "maplibre CSS": "sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o=",
    "heatmap image-rendering": "sha256-AR/cKIZjWPcPmBUPDA6oti9XBiTbJvz0Cro2J1VzzS8=",
}
# 'unsafe-hashes' lets a hash match a style attribute too (only the heatmap's exact text).
PLOTLY_CSP = {"style-src": ["'unsafe-hashes'", *(f"'{h}'" for h in PLOTLY_STYLE_HASHES.values())]}
