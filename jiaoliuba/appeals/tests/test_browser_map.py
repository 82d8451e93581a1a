"""The place of an appeal in Chromium: a resident on a phone uses the browser's location
(no tile source: no map, nothing asked of the Internet), or taps a point on the map when
the site has tiles; staff see in-scope appeals as markers on the appeals map.

Tiles come from a made-up host that Playwright answers with a local PNG, so the tests
also prove that no other outside address is ever requested."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals import services
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.services import Intake
from jiaoliuba.appeals.tests.test_browser_appeal_journey import resident_sign_in, staff_sign_in
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.browser

TILE_HOST = "https://tiles.example.test"
TILES = TILE_HOST + "/{z}/{x}/{y}.png"
HERE = {"latitude": 33.012345, "longitude": 114.023456}
TEXT = "小区东门的路灯坏了一个多星期，晚上出入很黑，老人容易摔倒。"


def use_tiles(settings) -> None:
    """The site configured with a tile server, as the environment would set it at start-up:
    the tile URL and the Content-Security-Policy that lets those images in."""
    settings.MAP_TILE_URL = TILES
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "img-src": [*policy["DIRECTIVES"]["img-src"], TILE_HOST]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}


def tile_png() -> bytes:
    image = Image.new("RGB", (256, 256), (236, 239, 241))
    draw = ImageDraw.Draw(image)
    draw.line((0, 128, 256, 128), fill=(255, 255, 255), width=10)  # a "road"
    draw.rectangle((0, 0, 255, 255), outline=(207, 216, 220))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def watch_requests(page: Page, live_url: str) -> tuple[list[str], list[str]]:
    """(outside requests, tile requests) made by the page from now on."""
    outside: list[str] = []
    tiles: list[str] = []

    def seen(request) -> None:
        url = request.url
        if url.startswith(TILE_HOST):
            tiles.append(url)
        elif not url.startswith((live_url, "data:", "blob:")):
            outside.append(url)

    page.on("request", seen)
    png = tile_png()
    page.route(
        f"{TILE_HOST}/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=png),
    )
    # Anything else outside is refused, so a stray CDN would also fail the page visibly.
    page.route(
        re.compile(r"^https?://(?!localhost|127\.0\.0\.1|tiles\.example\.test)"),
        lambda route: route.abort(),
    )
    return outside, tiles


def file_with_place(user, regions, community, grid, content, lat, lng) -> Appeal:
    intake = Intake(
        content=content,
        community=regions[community],
        grid=regions[grid] if grid else None,
        latitude=Decimal(lat),
        longitude=Decimal(lng),
    )
    appeal, _created = services.appeal_submit(submitter=user, intake=intake)
    return appeal


def submit(page: Page, live_url: str) -> Appeal:
    page.click("#submit-appeal")
    page.wait_for_url(re.compile(rf"^{re.escape(live_url)}/appeals/\d+/$"))
    return Appeal.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))


def test_resident_uses_the_browser_location_without_tiles(
    new_page, live_url, make_resident, make_staff, settings, screenshot
):
    settings.MAP_TILE_URL = ""
    resident = make_resident(JIEFANG_G1, name="张秀兰")
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1.wang")
    page = new_page(geolocation=HERE, permissions=["geolocation"])
    outside, tiles = watch_requests(page, live_url)
    resident_sign_in(page, live_url, resident.phone, "/appeals/new/")

    expect(page.locator("#location-map")).to_have_count(0)
    page.fill("#content", TEXT)
    page.fill("#address", "东门岗亭旁")
    page.click("#locate")
    expect(page.locator("#latitude")).to_have_value("33.012345")
    expect(page.locator("#longitude")).to_have_value("114.023456")
    expect(page.locator("#locate-status")).not_to_be_empty()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "map-01-resident-location-no-tiles-phone")

    appeal = submit(page, live_url)
    assert (appeal.latitude, appeal.longitude) == (Decimal("33.012345"), Decimal("114.023456"))
    assert appeal.address == "东门岗亭旁"
    assert tiles == [] and outside == []
    assert not page.evaluate("!!window.L")  # Leaflet was never loaded


def test_resident_taps_the_place_on_the_map(
    new_page, live_url, make_resident, make_staff, settings, screenshot
):
    use_tiles(settings)
    settings.MAP_TILE_ATTRIBUTION = "测试底图"
    resident = make_resident(JIEFANG_G1, name="张秀兰")
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1.wang")
    page = new_page(geolocation=HERE, permissions=["geolocation"])
    outside, tiles = watch_requests(page, live_url)
    resident_sign_in(page, live_url, resident.phone, "/appeals/new/")

    page.fill("#content", TEXT)
    area = page.locator("#location-map")
    expect(area.locator(".leaflet-tile-loaded").first).to_be_visible()
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box and box["width"] <= 390
    area.click(position={"x": box["width"] * 0.7, "y": box["height"] * 0.3})
    expect(area.locator(".leaflet-marker-icon")).to_have_count(1)
    lat = float(page.input_value("#latitude"))
    lng = float(page.input_value("#longitude"))
    # north-east of the configured centre (33.0114, 114.0220), within the visible map
    assert 33.0114 < lat < 33.05 and 114.022 < lng < 114.06
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky bar is painted mid-page
    screenshot(page, "map-02-resident-taps-map-phone")

    # "Use my location" moves the marker to where the phone is.
    page.click("#locate")
    expect(page.locator("#latitude")).to_have_value("33.012345")
    expect(area.locator(".leaflet-marker-icon")).to_have_count(1)
    appeal = submit(page, live_url)
    assert (appeal.latitude, appeal.longitude) == (Decimal("33.012345"), Decimal("114.023456"))
    assert tiles and outside == []


def test_staff_map_shows_markers_in_scope_only(
    desktop_page: Page, live_url, regions, make_resident, make_staff, settings, screenshot
):
    use_tiles(settings)
    settings.MAP_TILE_ATTRIBUTION = "测试底图"
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid1.wang")
    make_staff(Role.COMMUNITY_STAFF, JIEFANG, username="jiefang.li")
    resident = make_resident(JIEFANG_G1, name="张秀兰")
    inside = file_with_place(resident, regions, JIEFANG, JIEFANG_G1, TEXT, "33.0130", "114.0250")
    outside_appeal = file_with_place(
        make_resident(JIEFANG_G1, name="李四"),
        regions,
        JIANKANG,
        None,
        "健康路社区菜市场门口的路面塌了一个坑，电动车经过很危险。",
        "33.0100",
        "114.0200",
    )
    page = desktop_page
    outside, tiles = watch_requests(page, live_url)
    staff_sign_in(page, "jiefang.li")
    page.goto("/workbench/map/")

    expect(page.locator("#appeal-map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#appeal-map .leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator("path.appeal-marker")).to_have_count(1)
    expect(page.locator(f"path.appeal-{inside.pk}")).to_have_count(1)
    expect(page.locator(f"path.appeal-{outside_appeal.pk}")).to_have_count(0)
    expect(page.locator("#map-list")).to_contain_text(inside.number)
    expect(page.locator("#map-list")).not_to_contain_text(outside_appeal.number)

    page.locator(f"path.appeal-{inside.pk}").click()
    popup_link = page.locator(".leaflet-popup a.appeal-marker-link")
    expect(popup_link).to_have_text(inside.number)
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    screenshot(page, "map-03-staff-appeals-map-desktop")
    popup_link.click()
    page.wait_for_url(f"{live_url}/appeals/{inside.pk}/")
    assert tiles and outside == []
