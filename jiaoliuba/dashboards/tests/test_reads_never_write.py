"""Dashboard reads never write: the worker catches the rollups up, a GET only reads them
and says how far they go ("数据截至 HH:MM:SS"). So a read never waits behind the projection
lock or a rebuild, and dashboards can be served by a read replica."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jiaoliuba.dashboards import services as dashboard_services
from jiaoliuba.dashboards.models import ProjectionState
from jiaoliuba.dashboards.tests.scenario import NOISE, build
from jiaoliuba.regions.models import Region
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db

QUERY = "period=month&start=2026-11-01"
PAGES = (
    "/dashboards/",
    "/dashboards/ranking",
    "/dashboards/compare",
    "/dashboards/screen",
    "/dashboards/report",
    "/dashboards/export/kpis.xlsx",
    "/dashboards/export/appeals.xlsx",
)
API = (
    "kpis",
    "kpis/received",
    "children",
    "ranking",
    "compare",
    "trend",
    "categories",
    "heat",
    "overdue",
    "sources",
)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b|\bFOR UPDATE\b", re.I)


@pytest.fixture
def story(at, submit, staff, residents):
    return build(at, submit, staff, residents)


def _writes(queries):
    """Writes to the dashboard's data. The staff session's last-seen stamp (the idle
    timeout, at most once a minute) is the session store's, not the dashboard's: with
    Redis sessions in production it never reaches the database."""
    return [
        q["sql"] for q in queries if WRITE.search(q["sql"]) and '"django_session"' not in q["sql"]
    ]


def _received(client, region_id):
    body = client.get(f"/api/v1/dashboards/kpis?region={region_id}&{QUERY}").json()
    return {f["key"]: f["value"] for f in body["figures"]}["received"], body


def test_a_dashboard_get_writes_nothing_and_shows_how_far_the_data_goes(
    story, at, submit, staff, residents, login_client, api_client
):
    region = Region.objects.get(code=JIEFANG).pk
    web = login_client(staff["street"])
    api = api_client(staff["street"])
    received, body = _received(api, region)
    assert received == 8
    assert body["data_as_of"] is not None and body["data_as_of_shown"] == "数据截至 12:00:00"
    seen = ProjectionState.objects.get().seen_id

    # New events the rollups have not seen: a read used to catch up on them (a write).
    at(2026, 11, 20, 9, 0)
    submit(residents[4], NOISE)
    at(2026, 12, 2, 12, 0, 5)
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = web.get(f"{url}?region={region}&{QUERY}")
        assert response.status_code == 200, url
        assert _writes(queries.captured_queries) == [], url
        if url == "/dashboards/":
            assert "数据截至 12:00:00" in response.content.decode()
    for name in API:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"/api/v1/dashboards/{name}?region={region}&{QUERY}")
        assert response.status_code == 200, name
        assert _writes(queries.captured_queries) == [], name

    # The figures are the rollups as the worker left them, and say so.
    assert ProjectionState.objects.get().seen_id == seen
    assert _received(api, region)[0] == 8
    dashboard_services.rollups_sync(thorough=True)  # the worker's pass
    received, body = _received(api, region)
    assert received == 9 and body["data_as_of_shown"] == "数据截至 12:00:05"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="read-only transactions")
def test_dashboards_answer_inside_a_read_only_transaction(
    story, at, submit, staff, residents, api_client
):
    """What a read replica allows: PostgreSQL refuses any write in a read-only transaction."""
    region = Region.objects.get(code=JIEFANG).pk
    api = api_client(staff["street"])
    api.get("/api/v1/dashboards/sources")  # the token's first use may be recorded
    at(2026, 11, 20, 9, 0)
    submit(residents[4], NOISE)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
        for name in API:
            response = api.get(f"/api/v1/dashboards/{name}?region={region}&{QUERY}")
            assert response.status_code == 200, name
