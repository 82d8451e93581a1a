"""我的资料: choosing a community offers its grids at once (htmx), and without JavaScript
a button shows them without saving anything."""

import pytest

from jiaoliuba.accounts import services
from jiaoliuba.accounts.models import ResidentProfile
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG, JIEFANG_G1, JIEFANG_G2

pytestmark = pytest.mark.django_db

BACKEND = "jiaoliuba.accounts.backends.StaffPasswordBackend"


@pytest.fixture
def newcomer(client, regions):
    user = services.resident_register(phone="13600000009")
    client.force_login(user, backend=BACKEND)
    return user


def test_community_select_asks_for_its_grids(client, newcomer):
    page = client.get("/me/profile/").content.decode()
    assert 'hx-get="/me/profile/grids/"' in page
    assert 'hx-target="#id_grid"' in page


def test_grid_options_of_the_chosen_community(client, newcomer, regions):
    body = client.get("/me/profile/grids/", {"community": JIEFANG}).content.decode()
    assert f'value="{JIEFANG_G1}"' in body and f'value="{JIEFANG_G2}"' in body
    assert regions[JIEFANG_G1].name in body
    assert 'value=""' in body  # "not sure" stays possible
    other = client.get("/me/profile/grids/", {"community": JIANKANG}).content.decode()
    assert JIEFANG_G1 not in other
    assert client.get("/me/profile/grids/", {"community": "nonsense"}).status_code == 200


def test_without_javascript_the_button_shows_grids_and_saves_nothing(client, newcomer):
    response = client.post(
        "/me/profile/",
        {"display_name": "李大爷", "community": JIEFANG, "grid": "", "show_grids": "1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{JIEFANG_G1}"' in body
    assert 'value="李大爷"' in body  # what was typed stays
    assert "errorlist" not in body
    assert ResidentProfile.objects.get(user=newcomer).community is None
    # Then choose the grid and save.
    client.post(
        "/me/profile/",
        {"display_name": "李大爷", "community": JIEFANG, "grid": JIEFANG_G1, "address": ""},
    )
    profile = ResidentProfile.objects.get(user=newcomer)
    assert (profile.community.code, profile.grid.code) == (JIEFANG, JIEFANG_G1)


def test_grid_options_need_a_signed_in_resident(client, regions):
    response = client.get("/me/profile/grids/", {"community": JIEFANG})
    assert response.status_code == 302
