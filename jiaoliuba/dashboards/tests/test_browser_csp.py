"""The main pages under the strict Content-Security-Policy in Chromium, as a resident, as
staff and as the city administrator: no violation, no console error, no script error.
(The policy blocks inline code silently for the user; this is where it would show.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.dashboards.tests.scenario import build
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.browser import sign_in_as, watch_for_blocked_code
from jiaoliuba.testing.fixtures import DONGFENG

pytestmark = pytest.mark.browser

QUERY = "period=month&start=2026-11-01"


def _visit(page: Page, read, paths: list[str]) -> dict[str, list[str]]:
    problems = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        page.wait_for_load_state("networkidle")
        found = read()
        if found:
            problems[path] = found
    return problems


def test_main_pages_run_without_a_csp_violation(new_page, live_url, at, submit, staff, residents):
    build(at, submit, staff, residents)
    street = Region.objects.get(code=DONGFENG)
    appeal = Appeal.objects.filter(submitter=residents[0]).order_by("pk").first()
    assert appeal is not None

    resident = new_page()
    read = watch_for_blocked_code(resident)
    sign_in_as(resident, residents[0], live_url)
    problems = _visit(
        resident,
        read,
        [
            "/",
            "/appeals/",
            "/appeals/new/",
            f"/appeals/{appeal.pk}/",
            "/inbox/",
            "/deliberation/",
            "/points/",
            "/services/",
            "/meetings/",
            "/me/",
            "/appeals/guest/",
        ],
    )

    desk = new_page(desktop=True)
    read = watch_for_blocked_code(desk)
    sign_in_as(desk, staff["street"], live_url)
    problems |= _visit(
        desk,
        read,
        [
            "/workbench/",
            "/workbench/appeals/",
            f"/appeals/{appeal.pk}/",
            "/workbench/map/",
            f"/dashboards/?region={street.pk}&{QUERY}",
            f"/dashboards/ranking?region={street.pk}&{QUERY}",
            f"/dashboards/screen?region={street.pk}&{QUERY}",
            f"/dashboards/report?region={street.pk}&{QUERY}",
            "/workbench/residents/",
            "/workbench/deliberation/",
            "/workbench/votes/",
            "/workbench/points/",
            "/services/staff/",
            "/workbench/meetings/",
        ],
    )

    admin = new_page(desktop=True)
    read = watch_for_blocked_code(admin)
    User.objects.filter(pk=staff["city"].pk).update(is_staff=True, is_superuser=True)  # admin
    sign_in_as(admin, User.objects.get(pk=staff["city"].pk), live_url)
    problems |= _visit(
        admin,
        read,
        ["/admin/", "/admin/appeals/appeal/", f"/admin/appeals/appeal/{appeal.pk}/change/"],
    )
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
