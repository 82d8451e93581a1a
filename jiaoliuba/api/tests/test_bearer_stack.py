"""API calls signed in with a bearer token skip the page-only middleware
(core.middleware.BearerApiMiddleware): the same security as the whole stack — no CSRF
needed for a token (as before: API operations are csrf-exempt), the session untouched,
a bad token still falling back to the session only with a CSRF token, pages keeping every
check — and the same language, upload limits, NUL guard and security headers."""

import pytest
from django.conf import settings
from django.test import Client

from jiaoliuba.accounts import services as account_services
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.models import Appeal
from jiaoliuba.core.middleware import BearerApiMiddleware, is_bearer_api_call
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(make_resident):
    return make_resident(JIEFANG_G1, name="张秀兰", phone="13800000001")


def test_a_bearer_api_call_skips_the_page_middleware_and_never_touches_the_session(
    api_client, login_client, resident, make_staff
):
    response = api_client(resident).get("/api/v1/me")
    assert response.status_code == 200 and response.json()["id"] == resident.pk
    request = response.wsgi_request
    assert not hasattr(request, "_messages") and not hasattr(request, "htmx")
    assert "CSRF_COOKIE" not in request.META
    assert request.session.accessed is False and request.session.modified is False
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    # Security headers as on every answer.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # A page, or an API call signed in with the session cookie, takes the whole stack.
    staff = login_client(make_staff(Role.COMMUNITY_STAFF, JIEFANG))
    assert hasattr(staff.get("/api/v1/me").wsgi_request, "_messages")
    page = Client(HTTP_AUTHORIZATION="Bearer whatever").get("/")
    assert hasattr(page.wsgi_request, "_messages")


def test_which_calls_take_the_short_stack():
    class Req:
        def __init__(self, path, header):
            self.path_info, self.META = path, {"HTTP_AUTHORIZATION": header}

    assert is_bearer_api_call(Req("/api/v1/appeals", "Bearer abc"))  # type: ignore[arg-type]
    assert is_bearer_api_call(Req("/api/v1/appeals", "bearer abc"))  # type: ignore[arg-type]
    assert not is_bearer_api_call(Req("/api/v1/appeals", "Basic abc"))  # type: ignore[arg-type]
    assert not is_bearer_api_call(Req("/api/v1/appeals", ""))  # type: ignore[arg-type]
    assert not is_bearer_api_call(Req("/appeals/new", "Bearer abc"))  # type: ignore[arg-type]
    stack = BearerApiMiddleware(lambda request: None).api  # type: ignore[arg-type,return-value]
    names = [f"{c.__module__}.{c.__name__}" for c in stack.classes]
    assert names == settings.API_BEARER_MIDDLEWARE
    assert not any("csrf" in n.lower() or "message" in n.lower() for n in names)
    # The same order as the whole stack, which holds each of them.
    assert names == [n for n in settings.MIDDLEWARE if n in names]


def test_a_token_needs_no_csrf_token_as_before(resident):
    raw = _token(resident)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post("/api/v1/appeals", {"content": "楼道灯坏了", "community": JIEFANG})
    assert response.status_code == 201, response.content
    assert Appeal.objects.filter(submitter=resident).count() == 1


def test_a_bad_token_falls_back_to_the_session_only_with_csrf(resident, make_staff):
    staff = make_staff(Role.COMMUNITY_STAFF, JIEFANG)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer not-a-token")
    client.force_login(staff, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    # A read signed in by the session cookie, as the whole stack answered it.
    assert client.get("/api/v1/me").json()["id"] == staff.pk
    # A write by the session cookie without a CSRF token is refused and changes nothing.
    refused = client.post("/api/v1/appeals", {"content": "楼道灯坏了", "community": JIEFANG})
    assert refused.status_code in (401, 403)
    assert not Appeal.objects.exists()
    # With the CSRF token (cookie + header) it goes through, as before.
    client.get("/accounts/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    allowed = client.post(
        "/api/v1/appeals",
        {"content": "楼道灯坏了", "community": JIEFANG},
        HTTP_X_CSRFTOKEN=token,
    )
    assert allowed.status_code == 201, allowed.content
    assert Appeal.objects.get().submitter == staff
    # No token and no session: 401.
    assert Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/v1/me").status_code == 401


def test_a_page_with_a_bearer_header_still_needs_csrf(resident):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {_token(resident)}")
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 403


def test_language_limits_and_the_nul_guard_hold_for_token_calls(api_client, resident):
    client = api_client(resident)
    english = client.get("/api/v1/appeals/999999", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = client.get("/api/v1/appeals/999999", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["message"] == english["message_en"] != chinese["message"]
    assert chinese["message"] == chinese["message_zh"]
    nul = client.post("/api/v1/appeals", {"content": "灯\x00坏了", "community": JIEFANG})
    assert nul.status_code == 400 and nul.json()["code"] == "nul_character"
    too_big = client.post(
        "/api/v1/appeals",
        {"content": "灯坏了", "community": JIEFANG},
        CONTENT_LENGTH=str(settings.UPLOAD_MAX_REQUEST_BYTES + 1),
    )
    assert too_big.status_code == 413
    assert not Appeal.objects.exists()


def _token(user: User) -> str:
    return account_services.api_token_create(user=user, name="test")[1]
