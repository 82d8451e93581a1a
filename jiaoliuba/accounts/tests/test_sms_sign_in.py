import datetime as dt
import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from jiaoliuba.accounts import services
from jiaoliuba.accounts.models import OneTimeCode, ResidentProfile, User
from jiaoliuba.core import crypto, sms
from jiaoliuba.core.errors import ApplicationError, RateLimited, ValidationFailed
from jiaoliuba.core.models import RateCounter
from jiaoliuba.core.selectors import sms_outbox_for_phone

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def last_code(phone: str = PHONE) -> str:
    message = sms_outbox_for_phone(phone_hash=crypto.lookup_hash(phone, purpose="phone"))[0]
    return re.search(r"\d{6}", message.body).group()


def test_first_sign_in_registers_a_resident():
    services.otp_request(phone="+86 139-1234-5678", ip="10.0.0.1")
    user = services.otp_verify(phone=PHONE, code=last_code())
    assert user.phone == PHONE
    assert ResidentProfile.objects.filter(user=user).exists()
    # a second sign-in finds the same account
    OneTimeCode.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    RateCounter.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    services.otp_request(phone=PHONE, ip="10.0.0.1")
    assert services.otp_verify(phone=PHONE, code=last_code()) == user
    assert User.objects.count() == 1


def test_only_a_hash_of_the_code_is_stored():
    services.otp_request(phone=PHONE, ip=None)
    code = last_code()
    stored = OneTimeCode.objects.get()
    assert code not in stored.code_hash


def test_wrong_code_then_lockout_after_max_attempts(settings):
    settings.OTP_MAX_ATTEMPTS = 3
    services.otp_request(phone=PHONE, ip=None)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(ValidationFailed) as exc:
            services.otp_verify(phone=PHONE, code=wrong)
        assert exc.value.code == "otp_invalid"
    with pytest.raises(RateLimited):
        services.otp_verify(phone=PHONE, code=code)  # even the right code is dead now
    assert not User.objects.exists()


def test_code_expires(settings):
    services.otp_request(phone=PHONE, ip=None)
    OneTimeCode.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationFailed) as exc:
        services.otp_verify(phone=PHONE, code=last_code())
    assert exc.value.code == "otp_expired"


def test_code_is_single_use():
    services.otp_request(phone=PHONE, ip=None)
    code = last_code()
    services.otp_verify(phone=PHONE, code=code)
    with pytest.raises(ValidationFailed):
        services.otp_verify(phone=PHONE, code=code)


def test_resend_too_soon_and_hourly_limits(settings):
    services.otp_request(phone=PHONE, ip="10.0.0.9")
    with pytest.raises(RateLimited) as exc:
        services.otp_request(phone=PHONE, ip="10.0.0.9")
    assert exc.value.code == "otp_too_soon"
    settings.OTP_RESEND_SECONDS = 0
    settings.OTP_MAX_PER_PHONE_PER_HOUR = 3
    services.otp_request(phone=PHONE, ip="10.0.0.9")
    services.otp_request(phone=PHONE, ip="10.0.0.9")
    with pytest.raises(RateLimited) as exc:
        services.otp_request(phone=PHONE, ip="10.0.0.9")
    assert exc.value.code == "otp_rate_limited"


def test_invalid_phone_sends_nothing():
    with pytest.raises(ValidationFailed):
        services.otp_request(phone="1234", ip=None)
    assert not OneTimeCode.objects.exists()


def test_new_code_replaces_the_old_one(settings):
    settings.OTP_RESEND_SECONDS = 0
    services.otp_request(phone=PHONE, ip=None)
    first = last_code()
    services.otp_request(phone=PHONE, ip=None)
    second = last_code()
    if first != second:
        with pytest.raises(ValidationFailed):
            services.otp_verify(phone=PHONE, code=first)
    assert services.otp_verify(phone=PHONE, code=second).phone == PHONE


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    _Gateway.received = []
    _Gateway.status = 200
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "jiaoliuba.core.sms.HttpGatewayBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_HTTP_TOKEN = "tok"
    settings.SMS_HTTP_SECRET = "sig-secret"
    sms._backend.cache_clear()
    yield _Gateway
    server.shutdown()
    sms._backend.cache_clear()


def test_http_gateway_receives_signed_message(gateway):
    services.otp_request(phone=PHONE, ip=None)
    headers, body = gateway.received[0]
    payload = json.loads(body)
    assert payload["phone"] == PHONE
    assert re.search(r"\d{6}", payload["message"])
    assert headers["Authorization"] == "Bearer tok"
    expected = hmac.new(b"sig-secret", body, hashlib.sha256).hexdigest()
    assert headers["X-Jiaoliuba-Signature"] == f"sha256={expected}"


def test_http_gateway_failure_is_a_clear_error_and_code_is_void(gateway):
    gateway.status = 500
    with pytest.raises(ApplicationError) as exc:
        services.otp_request(phone=PHONE, ip=None)
    assert exc.value.code == "sms_failed"
    assert not OneTimeCode.objects.filter(consumed_at__isnull=True).exists()


def test_sms_api_flow_returns_token(client):
    response = client.post(
        "/api/v1/auth/sms/request", {"phone": PHONE}, content_type="application/json"
    )
    assert response.status_code == 202
    response = client.post(
        "/api/v1/auth/sms/verify",
        {"phone": PHONE, "code": last_code()},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me["phone_masked"] == "139****5678"
    assert me["resident_id"] is not None


def test_sms_api_rejects_bad_number(client):
    response = client.post(
        "/api/v1/auth/sms/request", {"phone": "12"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"


def test_purge_task_removes_old_codes():
    services.otp_request(phone=PHONE, ip=None)
    OneTimeCode.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert services.otp_purge_expired() == 1
