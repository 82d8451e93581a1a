"""JavaScript weight in Chromium, served the way production serves it: collectstatic with
hashed names and precompressed .br/.gz files, WhiteNoise in the middleware stack (not
Django's static handler that pytest-django's live_server puts in front), Accept-Encoding
from the browser. Budgets (issue 9, item 27): staff dashboard pages ≤ 1.2 MB of script
transferred, resident pages ≤ 100 KB."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

from jiaoliuba.accounts.choices import Role
from jiaoliuba.testing.fixtures import DONGFENG

pytestmark = pytest.mark.browser

STAFF_BUDGET = 1_200_000
RESIDENT_BUDGET = 100_000
PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def _no_static_handler(application):
    # LiveServerThread wraps the app in a static handler; none here, so /static/ reaches
    # WhiteNoise like it does behind gunicorn.
    return application


@pytest.fixture
def production_server(transactional_db, collected_static: Path) -> Iterator[str]:
    with override_settings(
        STATIC_ROOT=collected_static, STORAGES=PRODUCTION_STATIC, ALLOWED_HOSTS=["*"]
    ):
        thread = LiveServerThread("localhost", _no_static_handler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://localhost:{thread.port}"
        finally:
            thread.terminate()
            threading.Event().wait(0)


def _signed_in_page(new_page, base_url: str, user, *, desktop: bool):
    client = Client()
    client.force_login(user, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    page = new_page(desktop=desktop, base_url=base_url)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    return page


def _script_bytes(page) -> tuple[int, dict[str, int]]:
    """Encoded (as transferred, compressed) body bytes of every script the page loaded."""
    entries = page.evaluate(
        """() => performance.getEntriesByType('resource')
            .filter(e => e.initiatorType === 'script')
            .map(e => [e.name, e.encodedBodySize, e.decodedBodySize])"""
    )
    sizes = {name: encoded for name, encoded, _decoded in entries}
    return sum(sizes.values()), sizes


def test_javascript_stays_within_budget(
    production_server, new_page, make_staff, make_resident, screenshot
):
    street = make_staff(Role.STREET_OFFICER, DONGFENG, username="street")
    staff_page = _signed_in_page(new_page, production_server, street, desktop=True)
    scripts: list = []
    staff_page.on(
        "response",
        lambda r: scripts.append(r) if r.request.resource_type == "script" else None,
    )
    staff_page.goto("/dashboards/")
    staff_page.wait_for_load_state("networkidle")
    staff_page.locator('[data-chart="trend"] .main-svg').first.wait_for()
    staff_total, staff_sizes = _script_bytes(staff_page)
    print("staff dashboard scripts (encoded bytes):", staff_sizes, "total", staff_total)

    plotly = next(r for r in scripts if "plotly" in r.url)
    # Hashed name, precompressed body and a year of caching: the production path.
    assert ".min." in plotly.url and "/static/vendor/plotly/plotly." in plotly.url
    assert plotly.headers.get("content-encoding") in {"br", "gzip"}
    assert "max-age=315360000" in plotly.headers.get("cache-control", "")
    assert 0 < staff_total <= STAFF_BUDGET
    screenshot(staff_page, "weight-staff-dashboard")

    resident = make_resident()
    resident_page = _signed_in_page(new_page, production_server, resident, desktop=False)
    resident_page.goto("/appeals/new/")
    resident_page.wait_for_load_state("networkidle")
    resident_total, resident_sizes = _script_bytes(resident_page)
    print("resident page scripts (encoded bytes):", resident_sizes, "total", resident_total)
    assert 0 < resident_total <= RESIDENT_BUDGET
