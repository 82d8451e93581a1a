"""The place of an appeal: the form without and with a tile source, and the staff map
page, scoped and filtered."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.test import Client

import config.settings.base as base
from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.services import Intake
from jiaoliuba.core import clock
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db
TILES = "https://tiles.example.test/{z}/{x}/{y}.png"


def file_appeal(user, regions, content, *, community=JIEFANG, grid=JIEFANG_G1, **kwargs):
    intake = Intake(
        content=content,
        community=regions[community],
        grid=regions[grid] if grid else None,
        **kwargs,
    )
    appeal, _created = services.appeal_submit(submitter=user, intake=intake)
    return appeal


def test_without_tiles_the_form_loads_no_map(login_client, resident, settings):
    settings.MAP_TILE_URL = ""
    page = login_client(resident).get("/appeals/new/").content.decode()
    assert 'id="locate"' in page and 'name="latitude"' in page
    assert "appeals/location.js" in page
    assert "leaflet" not in page.lower() and "location-map" not in page


def test_with_tiles_the_form_shows_a_map(login_client, resident, settings):
    settings.MAP_TILE_URL = TILES
    settings.MAP_TILE_ATTRIBUTION = "Test tiles"
    page = login_client(resident).get("/appeals/new/").content.decode()
    assert "leaflet/leaflet.js" in page and "leaflet/leaflet.css" in page
    assert f'data-tile-url="{TILES}"' in page and 'data-attribution="Test tiles"' in page


def test_tianditu_key_builds_its_tile_urls(monkeypatch):
    monkeypatch.setenv("TIANDITU_KEY", "abc123")
    monkeypatch.delenv("MAP_TILE_URL", raising=False)
    try:
        reloaded = importlib.reload(base)
        assert "tianditu.gov.cn/vec_w" in reloaded.MAP_TILE_URL
        assert reloaded.MAP_TILE_URL.endswith("tk=abc123")
        assert "LAYER=cva" in reloaded.MAP_TILE_OVERLAY_URL
        assert reloaded.MAP_TILE_SUBDOMAINS == "01234567"
    finally:
        monkeypatch.delenv("TIANDITU_KEY")
        importlib.reload(base)


def test_the_place_posted_with_the_form_is_stored(login_client, resident, staff):
    response = login_client(resident).post(
        "/appeals/new/",
        {
            "content": "小区东门路灯坏了一个星期，晚上很黑",
            "community": JIEFANG,
            "latitude": "33.011400",
            "longitude": "114.022000",
        },
    )
    assert response.status_code == 302, response.content
    appeal = Appeal.objects.get()
    assert (appeal.latitude, appeal.longitude) == (Decimal("33.011400"), Decimal("114.022000"))


def test_staff_map_shows_only_appeals_in_scope_with_a_place(
    login_client, regions, resident, staff, make_resident, settings
):
    settings.MAP_TILE_URL = TILES
    here = file_appeal(
        resident, regions, "东门路灯坏了", latitude=Decimal("33.01"), longitude=Decimal("114.02")
    )
    no_place = file_appeal(resident, regions, "楼道灯不亮了")
    neighbour = make_resident(JIEFANG_G1, name="李四")
    elsewhere = file_appeal(
        neighbour,
        regions,
        "健康路社区路面塌陷",
        community=JIANKANG,
        grid=None,
        latitude=Decimal("33.02"),
        longitude=Decimal("114.03"),
    )
    page = login_client(staff["community"]).get("/workbench/map/")
    assert page.status_code == 200
    points = page.context["points"]
    assert [p["number"] for p in points] == [here.number]
    assert points[0]["url"] == f"/appeals/{here.pk}/"
    html = page.content.decode()
    assert here.number in html and elsewhere.number not in html and no_place.number not in html
    assert "leaflet/leaflet.js" in html and 'id="appeal-map-points"' in html
    # the street officer above both communities sees both
    street = login_client(staff["street"]).get("/workbench/map/").context["points"]
    assert {p["number"] for p in street} == {here.number, elsewhere.number}
    # residents do not have the page; signed-out visitors go to the staff sign-in
    assert login_client(resident).get("/workbench/map/").status_code == 404

    assert Client().get("/workbench/map/")["Location"].startswith("/staff/login/")


def test_staff_map_filters(login_client, regions, resident, staff, settings):
    settings.MAP_TILE_URL = ""
    place = {"latitude": Decimal("33.01"), "longitude": Decimal("114.02")}
    lamp = file_appeal(resident, regions, "东门路灯坏了，晚上很黑", type_hint="livelihood", **place)
    gas = file_appeal(resident, regions, "楼道里有很浓的煤气味，很危险", **place)
    old = file_appeal(
        resident,
        regions,
        "小区门口垃圾桶满了没人清理",
        received_at=clock.now() - dt.timedelta(days=60),
        **place,
    )
    client = login_client(staff["secretary"])

    def numbers(**query) -> set[str]:
        return {p["number"] for p in client.get("/workbench/map/", query).context["points"]}

    assert numbers() == {lamp.number, gas.number}  # the last 30 days by default
    assert numbers(period="90") == {lamp.number, gas.number, old.number}
    gas.refresh_from_db()
    assert numbers(priority=gas.priority, period="all") >= {gas.number}
    assert lamp.number not in numbers(priority="red", period="all")
    assert numbers(category="livelihood", period="all") == {
        a.number for a in (lamp, gas, old) if Appeal.objects.get(pk=a.pk).category == "livelihood"
    }
    Appeal.objects.filter(pk=lamp.pk).update(status="closed")
    assert lamp.number not in numbers(status="open")
    assert numbers(status="closed") == {lamp.number}
    # without tiles the page still lists them and loads no map
    html = client.get("/workbench/map/").content.decode()
    assert 'id="map-off"' in html and "leaflet" not in html.lower()
