"""The client's address behind a proxy: X-Real-IP counts only from a trusted proxy
(core.request.client_ip), in the rate limits and the sign-in counters alike."""

import pytest
from django.test import RequestFactory

from jiaoliuba.accounts.backends import StaffPasswordBackend
from jiaoliuba.core.models import RateCounter
from jiaoliuba.core.request import client_ip


def _request(peer: str, real_ip: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if real_ip is not None:
        extra["HTTP_X_REAL_IP"] = real_ip
    return RequestFactory().get("/", **extra)


def test_by_default_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    assert client_ip(_request("", "198.51.100.7")) is None


def test_a_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(_request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("10.20.30.40", " 2001:db8::1 ")) == "2001:db8::1"
    # a peer outside the list: its header is a claim anyone can make
    assert client_ip(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"
    # no header, or not one address: the proxy itself
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1", "198.51.100.7, 10.0.0.1")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1", "<script>")) == "127.0.0.1"


def test_unix_socket_peer_is_trusted_only_when_listed(settings):
    # gunicorn on a unix socket gives no peer address
    settings.TRUSTED_PROXIES = ["unix"]
    assert client_ip(_request("", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("127.0.0.1", "198.51.100.7")) == "127.0.0.1"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("", "198.51.100.7")) is None


def _sms_request(client, phone: str, real_ip: str) -> int:
    return client.post(
        "/api/v1/auth/sms/request",
        {"phone": phone},
        content_type="application/json",
        HTTP_X_REAL_IP=real_ip,
    ).status_code


@pytest.mark.django_db
def test_spoofed_header_from_an_untrusted_peer_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.OTP_MAX_PER_IP_PER_HOUR = 1
    assert _sms_request(client, "13912340001", "198.51.100.1") == 202
    # a new made-up address each time changes nothing: the peer is counted
    assert _sms_request(client, "13912340002", "198.51.100.2") == 429
    assert RateCounter.objects.filter(key="otp:ip:127.0.0.1").exists()
    assert not RateCounter.objects.filter(key__startswith="otp:ip:198.").exists()


@pytest.mark.django_db
def test_trusted_proxy_counts_each_client_apart(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.OTP_MAX_PER_IP_PER_HOUR = 1
    assert _sms_request(client, "13912340001", "198.51.100.1") == 202
    assert _sms_request(client, "13912340002", "198.51.100.2") == 202
    assert _sms_request(client, "13912340003", "198.51.100.1") == 429
    assert RateCounter.objects.get(key="otp:ip:198.51.100.1").count == 2
    assert RateCounter.objects.get(key="otp:ip:198.51.100.2").count == 1
    assert not RateCounter.objects.filter(key="otp:ip:127.0.0.1").exists()


@pytest.mark.django_db
def test_admin_sign_in_counts_the_client_not_the_proxy(settings, make_staff):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    user = make_staff("city_admin", "411700000000")
    backend = StaffPasswordBackend()
    assert (
        backend.authenticate(
            _request("127.0.0.1", "198.51.100.9"), username=user.username, password="wrong"
        )
        is None
    )
    assert RateCounter.objects.filter(key="login:ip:198.51.100.9").exists()
    assert not RateCounter.objects.filter(key="login:ip:127.0.0.1").exists()
