"""The one module of sign-in decorators: where a signed-out visitor is sent, and what a
signed-in user without the role sees."""

from pathlib import Path

import pytest

import jiaoliuba
from jiaoliuba.accounts.choices import Role
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "sign_in"),
    [
        ("/me/", "/login/"),  # resident_required
        ("/appeals/new/", "/login/"),  # signed_in
        ("/inbox/", "/login/"),  # signed_in (was Django's login_required)
        ("/workbench/residents/", "/staff/login/"),  # staff_required
        ("/dashboards/", "/staff/login/"),  # staff_signed_in
    ],
)
def test_signed_out_visitor_goes_to_the_right_sign_in_and_comes_back(client, path, sign_in):
    response = client.get(f"{path}?page=2")
    assert response.status_code == 302
    # The query string comes back too (the old decorators dropped it).
    assert response["Location"] == f"{sign_in}?next={path}%3Fpage%3D2"


def test_a_resident_does_not_see_staff_pages(client, make_resident):
    client.force_login(make_resident())
    assert client.get("/workbench/residents/").status_code == 404
    assert client.get("/me/").status_code == 200


def test_staff_without_a_resident_profile_do_not_see_resident_pages(client, make_staff):
    client.force_login(make_staff(Role.COMMUNITY_STAFF, JIEFANG))
    assert client.get("/me/").status_code == 404
    assert client.get("/workbench/residents/").status_code == 200
    assert client.get("/inbox/").status_code == 200


def test_no_page_uses_another_sign_in_decorator():
    package = Path(jiaoliuba.__file__).parent
    others = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "decorators.py"
        and any(
            word in path.read_text(encoding="utf-8")
            for word in ("django.contrib.auth.decorators", "user_passes_test", "def signed_in")
        )
    ]
    assert others == []
