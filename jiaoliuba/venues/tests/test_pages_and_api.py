"""Pages and the API: the public venue page and poster, the staff pages with a refused
input changing nothing, scope (another community's staff get 404), the card include and
the template tag the community page uses, and the API's shapes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core import clock
from jiaoliuba.testing.fixtures import JIANKANG
from jiaoliuba.venues import services
from jiaoliuba.venues.choices import DutyRole, ThemeKind, VisitOutcome
from jiaoliuba.venues.models import Shift, Visit

from .conftest import local

WED = dt.date(2026, 9, 30)


@pytest.fixture
def themed(venue, staff):
    services.venue_theme_set(
        actor=staff,
        venue=venue,
        month=dt.date(2026, 9, 1),
        kind=ThemeKind.PROPERTY_FACE_TO_FACE,
        title="物业面对面",
        day=WED,
    )
    services.shift_create(
        actor=staff,
        venue=venue,
        person=staff,
        duty_role=DutyRole.STAFF,
        starts_at=local(WED, 17),
        ends_at=local(WED, 20),
    )
    return venue


def test_public_page_and_poster(client, themed):
    with clock.pinned(local(WED, 19, 30)):
        page = client.get(f"/venues/{themed.pk}/")
        poster = client.get(f"/venues/{themed.pk}/poster/")
        qr = client.get(f"/venues/{themed.pk}/qr.svg")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-open="1"' in text and "20:00" in text
    assert "物业面对面" in text
    assert f"/community/{themed.region.pk}/" in text
    assert poster.status_code == 200 and "venues/print.js" in poster.content.decode()
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_card_through_the_template_tag(themed):
    with clock.pinned(local(WED, 19, 30)):
        html = Template("{% load venues %}{% community_venue_cards region %}").render(
            Context({"region": themed.region})
        )
    assert f'id="venue-card-{themed.pk}"' in html and "duty-person" in html


def test_staff_pages_render_and_scope(login_client, staff, make_staff, themed):
    client = login_client(staff)
    for path in (
        "/venues/staff/",
        f"/venues/staff/{themed.pk}/",
        f"/venues/staff/{themed.pk}/rota/?month=2026-09",
        f"/venues/staff/{themed.pk}/visits/",
    ):
        assert client.get(path).status_code == 200, path
    outsider = login_client(make_staff(Role.COMMUNITY_STAFF, JIANKANG))
    assert outsider.get(f"/venues/staff/{themed.pk}/").status_code == 404
    assert outsider.get(f"/venues/staff/{themed.pk}/visits/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "rota/?month=2026-13",
        "rota/?month=2026-00",
        "rota/?month=9999-12",
        "rota/?month=x",
        "visits/?year=99999",
        "visits/?year=0",
        "visits/?year=abc",
    ],
)
def test_a_month_or_year_that_does_not_exist_shows_the_current_one(
    login_client, staff, venue, query
):
    """ "2026-13" is shaped like a month, so Django's parse_date raised on it (a 500); the
    month after 9999-12 and the year 99999 have no date at all."""
    response = login_client(staff).get(f"/venues/staff/{venue.pk}/{query}")
    assert response.status_code == 200, query
    today = clock.local_now().date()
    if "month" in query:
        assert response.context["month"] == today.replace(day=1)
    else:
        assert response.context["year"] == today.year


def test_refused_visit_changes_nothing_and_says_why(login_client, staff, venue):
    client = login_client(staff)
    response = client.post(
        f"/venues/staff/{venue.pk}/visits/", {"topic": "", "outcome": "suggestion"}, follow=True
    )
    assert response.status_code == 200
    assert Visit.objects.count() == 0
    assert "msg-error" in response.content.decode()


def test_visit_page_to_appeal(login_client, staff, venue):
    client = login_client(staff)
    client.post(
        f"/venues/staff/{venue.pk}/visits/",
        {"topic": "小区门口路灯不亮", "outcome": VisitOutcome.REFERRED, "people": "2"},
    )
    visit = Visit.objects.get()
    response = client.post(f"/venues/staff/visits/{visit.pk}/appeal/")
    visit.refresh_from_db()
    assert visit.appeal_id and response.url == f"/appeals/{visit.appeal_id}/"


def test_rota_page_plans_a_shift(login_client, staff, venue):
    client = login_client(staff)
    client.post(
        f"/venues/staff/{venue.pk}/rota/?month=2026-10",
        {
            "form": "shift",
            "person": staff.pk,
            "duty_role": DutyRole.STAFF,
            "day": "2026-10-14",
            "starts": "17:00",
            "ends": "20:00",
        },
    )
    (shift,) = Shift.objects.all()
    assert shift.starts_at == local(dt.date(2026, 10, 14), 17)


def test_api(api_client, staff, resident_client_user, themed):
    client = api_client(staff)
    with clock.pinned(local(WED, 19, 30)):
        card = client.get(f"/api/v1/venues/{themed.pk}").json()
        assert card["open_now"] and card["closes_at"] == "20:00"
        assert card["theme"]["is_today"] and card["on_duty"][0]["role"]
        made = client.post(
            f"/api/v1/venues/{themed.pk}/visits",
            {"topic": "垃圾清运不及时", "outcome": "suggestion"},
            content_type="application/json",
        )
        assert made.status_code == 201, made.content
        bad = client.post(
            f"/api/v1/venues/{themed.pk}/visits",
            {"topic": "x", "outcome": "nope"},
            content_type="application/json",
        )
        assert bad.status_code == 400 and bad.json()["message_en"]
        appealed = client.post(f"/api/v1/venues/visits/{made.json()['id']}/appeal")
        assert appealed.status_code == 201 and appealed.json()["number"]
        back = client.get(f"/api/v1/venues/visits/by-appeal/{appealed.json()['appeal_id']}")
        assert back.json()["id"] == made.json()["id"]
        figures = client.get(f"/api/v1/venues/{themed.pk}/figures?year=2026").json()
        assert (figures["people"], figures["suggestions"], figures["appeals"]) == (1, 1, 1)
    # A resident of the community sees the card, not the visit log.
    resident = api_client(resident_client_user)
    assert resident.get(f"/api/v1/venues/{themed.pk}").status_code == 200
    assert resident.get(f"/api/v1/venues/{themed.pk}/visits").status_code == 404


@pytest.fixture
def resident_client_user(make_resident):
    return make_resident()
