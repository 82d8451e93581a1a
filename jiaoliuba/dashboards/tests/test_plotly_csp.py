"""The style hashes the dashboard pages allow for plotly.js are those of the pinned
plotly.min.js (an upgrade that changes them fails here, naming which), and only the
dashboard pages carry them."""

import base64
import hashlib
import re

from jiaoliuba.accounts.choices import Role
from jiaoliuba.dashboards.finders import PACKAGE_DATA, PLOTLY_STYLE_HASHES, PLOTLY_STYLE_TEXTS
from jiaoliuba.testing.fixtures import DONGFENG


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_hashes_match_the_pinned_plotly():
    source = (PACKAGE_DATA / "plotly.min.js").read_text(encoding="utf-8")
    bundled = re.findall(r"\.textContent='([^']*maplibregl[^']*)'", source)
    assert len(bundled) == 1
    texts = dict(PLOTLY_STYLE_TEXTS, **{"maplibre CSS": bundled[0]})
    assert {name: _hash(text) for name, text in texts.items()} == PLOTLY_STYLE_HASHES
    # The heatmap's declarations are those plotly.js joins into its style attribute.
    assert '["image-rendering","optimizeSpeed"]' in source
    assert 'e.join(": ")+"; "}).join("")' in source


def test_only_dashboard_pages_allow_them(make_staff, login_client):
    client = login_client(make_staff(Role.STREET_OFFICER, DONGFENG))
    dashboard = client.get("/dashboards/?period=month&start=2026-11-01")
    assert dashboard.status_code == 200
    assert PLOTLY_STYLE_HASHES["maplibre CSS"] in dashboard["Content-Security-Policy"]
    assert "'unsafe-inline'" not in dashboard["Content-Security-Policy"]
    workbench = client.get("/workbench/")
    assert workbench.status_code == 200
    assert "sha256" not in workbench["Content-Security-Policy"]
