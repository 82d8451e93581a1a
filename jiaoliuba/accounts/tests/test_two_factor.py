"""Staff two-factor sign-in, recovery codes, the idle timeout, the admin's door and the
password policy, through the real pages, the API and the settings modules."""

import os
import subprocess
import sys
import time

import pytest
from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiaoliuba.accounts import services, twofactor
from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.middleware import SEEN_KEY
from jiaoliuba.accounts.models import RecoveryCode, User
from jiaoliuba.core.errors import ValidationFailed
from jiaoliuba.testing.fixtures import (
    CITY,
    DONGFENG,
    JIEFANG_G1,
    PASSWORD,
    totp_code,
    totp_device_for,
)

pytestmark = pytest.mark.django_db


def _password(client: Client, username: str, next_url: str = "") -> str:
    response = client.post(
        "/staff/login/" + (f"?next={next_url}" if next_url else ""),
        {"username": username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    return client.get(response["Location"])["Location"]


def _code_of(device: TOTPDevice) -> str:
    now_t = (int(time.time()) - device.t0) // device.step
    return str(hotp(device.bin_key, now_t, digits=6)).zfill(6)


def test_a_street_officer_sets_up_the_app_then_signs_in_with_a_code(make_staff):
    make_staff(Role.STREET_OFFICER, DONGFENG, username="street")
    client = Client()
    assert _password(client, "street", "/workbench/appeals/") == (
        "/staff/2fa/setup/?next=%2Fworkbench%2Fappeals%2F"
    )
    # Nothing opens before the second step: pages send back, the API says 401.
    assert client.get("/workbench/")["Location"].startswith("/staff/2fa/setup/")
    assert client.get("/api/v1/me").status_code == 401
    # Nor through the short middleware stack of bearer API calls: a bad token falls back
    # to the session, and that session has not passed the second step.
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401

    page = client.get("/staff/2fa/setup/?next=/workbench/appeals/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml' in body  # the QR code, no inline markup
    device = TOTPDevice.objects.get(user__username="street", confirmed=False)
    assert twofactor.secret_base32(device).replace(" ", "") in body.replace(" ", "")

    wrong = client.post("/staff/2fa/setup/", {"code": "000000", "next": "/workbench/appeals/"})
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
    assert client.get("/workbench/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp: the next try waits 1 s
    device.throttle_reset()

    done = client.post(
        "/staff/2fa/setup/", {"code": _code_of(device), "next": "/workbench/appeals/"}
    )
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    # Stored hashed: no code appears in the table.
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    assert client.get("/workbench/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200

    # The next sign-in asks for a code from the app (not the set-up again).
    again = Client()
    assert _password(again, "street") == "/staff/2fa/?next=%2F"
    wrong = again.post("/staff/2fa/", {"code": "123456", "next": "/"})
    assert wrong.status_code == 200
    assert again.get("/workbench/").status_code == 302
    # A session that has not passed the second step cannot swap the app either.
    assert again.get("/staff/2fa/setup/")["Location"] == "/staff/2fa/"
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()
    right = again.post("/staff/2fa/", {"code": totp_code(device), "next": "/workbench/"})
    assert right["Location"] == "/workbench/"
    assert again.get("/workbench/").status_code == 200


def test_a_recovery_code_works_once(make_staff):
    user = make_staff(Role.DISTRICT_OFFICER, "411702000000", username="district")
    totp_device_for(user)
    codes = twofactor.recovery_codes_regenerate(user=user)
    first = Client()
    _password(first, "district")
    assert first.post("/staff/2fa/", {"code": codes[0].lower()})["Location"] == "/"
    assert first.get("/workbench/").status_code == 200
    second = Client()
    _password(second, "district")
    assert second.post("/staff/2fa/", {"code": codes[0]}).status_code == 200
    assert second.get("/workbench/").status_code == 302
    assert twofactor.unused_recovery_codes(user) == 9


def test_wrong_codes_are_limited(make_staff):
    user = make_staff(Role.STREET_OFFICER, DONGFENG, username="street")
    device = totp_device_for(user)
    client = Client()
    _password(client, "street")
    for _ in range(twofactor.VERIFY_MAX_FAILURES):
        assert client.post("/staff/2fa/", {"code": "ABCDE-FGHJK"}).status_code == 200
    locked = client.post("/staff/2fa/", {"code": totp_code(device)})
    assert locked.status_code == 200
    assert "wait" in str(locked.context["form"].non_field_errors()).lower() or "请" in str(
        locked.context["form"].non_field_errors()
    )
    assert client.get("/workbench/").status_code == 302


def test_grid_workers_and_residents_need_no_second_factor(make_staff, make_resident):
    make_staff(Role.GRID_WORKER, JIEFANG_G1, username="grid")
    client = Client()
    assert _password(client, "grid") == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    resident = make_resident()
    assert not twofactor.user_needs_second_factor(resident)


def test_the_admin_answers_404_to_all_but_verified_admins(make_staff):
    city = make_staff(Role.CITY_ADMIN, CITY, username="city")
    admin = make_staff(Role.CITY_ADMIN, CITY, username="root")
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    assert Client().get("/admin/").status_code == 404
    assert Client().get("/admin/login/").status_code == 404
    # Staff without admin access, verified and all: 404.
    client = Client()
    client.force_login(city)
    assert client.get("/workbench/").status_code == 200
    assert client.get("/admin/").status_code == 404
    # An admin who has typed only the password is sent to the second step.
    half = Client()
    _password(half, "root")
    assert half.get("/admin/")["Location"].startswith("/staff/2fa/")
    # A verified admin gets in.
    full = Client()
    full.force_login(User.objects.get(pk=admin.pk))
    assert full.get("/admin/").status_code == 200


def test_the_api_token_needs_the_code_too(make_staff):
    user = make_staff(Role.STREET_OFFICER, DONGFENG, username="street")
    device = totp_device_for(user)
    body = {"username": "street", "password": PASSWORD}
    without = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert without.status_code == 401
    assert without.json()["code"] == "second_factor_required"
    wrong = Client().post(
        "/api/v1/auth/token", {**body, "otp": "000000"}, content_type="application/json"
    )
    assert wrong.status_code == 401
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # django-otp's wait after a miss
    right = Client().post(
        "/api/v1/auth/token", {**body, "otp": totp_code(device)}, content_type="application/json"
    )
    assert right.status_code == 201


def test_the_demo_bypass_lets_the_password_suffice(make_staff, settings):
    settings.JIAOLIUBA_DEMO_2FA_BYPASS = True
    make_staff(Role.STREET_OFFICER, DONGFENG, username="street")
    client = Client()
    assert _password(client, "street") == "/workbench/"
    assert client.get("/workbench/").status_code == 200


def test_staff_sessions_end_after_idling(make_staff, make_resident):
    client = Client()
    client.force_login(make_staff(Role.GRID_WORKER, JIEFANG_G1))
    assert client.get("/workbench/").status_code == 200
    seen = client.session[SEEN_KEY]
    assert abs(seen - time.time()) < 5
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 29 * 60  # 29 minutes: still in, and slides
    session.save()
    assert client.get("/workbench/").status_code == 200
    assert client.session[SEEN_KEY] >= int(time.time()) - 5
    session = client.session
    session[SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/workbench/residents/")
    assert response["Location"] == "/staff/login/?next=/workbench/residents/"
    assert "_auth_user_id" not in client.session
    # Residents keep their (two-week) session.
    resident = Client()
    resident.force_login(make_resident())
    session = resident.session
    session[SEEN_KEY] = int(time.time()) - 10 * 3600
    session.save()
    assert resident.get("/me/").status_code == 200


@pytest.mark.parametrize("password", ["short9x!", "password123", "1234567890123"])
def test_weak_staff_passwords_are_refused(regions, password):
    with pytest.raises(ValidationFailed):
        services.user_create_staff(username="newbie", password=password)
    assert not User.objects.filter(username="newbie").exists()


def _settings_value(module: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "JIAOLIUBA_DEMO_2FA_BYPASS"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": module,
            "SECRET_KEY": "x" * 50,
            "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTE=",
            "FIELD_HASH_KEY": "k",
            **extra_env,
        }
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.JIAOLIUBA_DEMO_2FA_BYPASS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_only_the_demo_settings_bypass_and_production_refuses_to():
    assert _settings_value("config.settings.local", {}).stdout.strip() == "True"
    assert _settings_value("config.settings.production", {}).stdout.strip() == "False"
    refused = _settings_value("config.settings.production", {"JIAOLIUBA_DEMO_2FA_BYPASS": "1"})
    assert refused.returncode != 0
    assert "JIAOLIUBA_DEMO_2FA_BYPASS is for the demo only" in refused.stderr


@pytest.mark.parametrize("with_app", [True, False])
def test_a_half_signed_in_staff_member_sees_no_navigation(make_staff, with_app):
    """Password accepted, code pending: the code-entry (or setup) page shows what a
    signed-out visitor sees, no links to staff pages, no roles, no name, no inbox; a
    sign-out button stays. Once the code is in, the navigation is back."""
    user = make_staff(Role.STREET_OFFICER, DONGFENG, username="half-signed-in")
    user.display_name = "半登录街道干部"
    user.save(update_fields=["display_name"])
    if with_app:
        device = totp_device_for(user)
    client = Client()
    step = _password(client, "half-signed-in")
    page = client.get(step)
    assert page.status_code == 200
    body = page.content.decode()
    for href in ('href="/workbench/', 'href="/dashboards/', 'href="/inbox/', "/admin/"):
        assert href not in body, href
    assert 'class="nav-more"' not in body and "layout-workbench" not in body
    assert "half-signed-in" not in body and "半登录街道干部" not in body
    assert str(Role(Role.STREET_OFFICER).label) not in body
    assert page.context["nav_items"] == [] and page.context["role_labels"] == []
    assert 'action="/logout/"' in body
    if with_app:
        done = client.post("/staff/2fa/", {"code": totp_code(device), "next": "/workbench/"})
        assert done.status_code == 302
        after = client.get("/workbench/").content.decode()
        assert 'href="/workbench/"' in after and "layout-workbench" in after
