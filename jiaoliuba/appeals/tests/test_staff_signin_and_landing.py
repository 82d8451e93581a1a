"""Signed-out visitors to staff pages land on the staff sign-in; the home page promises
only what exists and links the public board."""

import pytest

from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/workbench/",
    "/workbench/appeals/",
    "/workbench/supervision/",
    "/workbench/alerts/",
    "/workbench/residents/",
    "/dashboards/",
    "/dashboards/ranking",
    "/dashboards/compare",
    "/dashboards/screen",
    "/dashboards/report",
    "/dashboards/export/kpis.xlsx",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_signed_out_visitor_is_sent_to_staff_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")
    assert path in response["Location"].replace("%2F", "/")


def test_shared_page_sign_in_offers_staff_the_way_back(client):
    # /appeals/<id>/ serves residents and staff: the SMS page links the staff sign-in
    # with the same destination, so a handler following a notification gets there.
    response = client.get("/appeals/42/")
    assert response["Location"] == "/login/?next=/appeals/42/"
    body = client.get(response["Location"]).content.decode()
    assert 'href="/staff/login/?next=/appeals/42/"' in body


def test_landing_promises_nothing_unbuilt_and_links_the_board(client, regions):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # 服务预约 and 积分 are not built: only a "coming soon" note, never a link.
    # 议事协商 is: the landing page links to it.
    assert "即将上线" in body
    assert "预约服务" not in body
    assert 'href="/deliberation/"' in body
    coming = body.split('id="coming-soon"')[1].split("</section>")[0]
    assert "<a " not in coming
    assert 'action="/board/"' in body
    assert f'value="{JIEFANG}"' in body
    response = client.get("/board/", {"code": JIEFANG})
    assert response.status_code == 302 and response["Location"] == f"/public/{JIEFANG}/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/board/")["Location"] == "/"


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("jiaoliuba/favicon.svg")
    assert 'rel="icon"' in client.get("/").content.decode()
