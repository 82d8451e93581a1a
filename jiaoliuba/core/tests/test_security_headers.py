"""Security headers on every kind of response, and the production settings' HTTPS rules."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.settings.base import tile_source

SECRETS = {
    "SECRET_KEY": "x" * 50,
    "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTE=",
    "FIELD_HASH_KEY": "k",
}


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("url", ["/", "/login/", "/staff/login/", "/healthz", "/api/v1/docs"])
def test_pages_carry_the_security_headers(client, url, regions):
    response = client.get(url)
    assert response.status_code < 500
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    policy = dict(p.strip().split("=", 1) for p in response["Permissions-Policy"].split(","))
    assert policy["geolocation"] == "(self)"  # the appeal form's "use my location"
    assert policy["camera"] == "()"
    assert policy["microphone"] == "()"


def test_a_404_and_an_api_error_carry_them_too(client, db):
    for response in (client.get("/no-such-page/"), client.get("/api/v1/appeals/")):
        assert response.status_code in {401, 404}
        assert _csp(response)["script-src"] == ["'self'"]
        assert response["X-Frame-Options"] == "DENY"


def test_map_tiles_are_the_only_images_from_elsewhere():
    assert tile_source("https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}") == (
        "https://*.tianditu.gov.cn"
    )
    assert tile_source("https://tiles.example.gov.cn/{z}/{x}/{y}.png") == (
        "https://tiles.example.gov.cn"
    )
    sources = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert sources == ["'self'", "data:", "blob:"]  # no tiles configured in tests


def _production(extra_env: dict[str, str], expression: str) -> object:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and not k.startswith("SECURE_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **SECRETS, **extra_env})
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({expression}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_is_https_only():
    values = _production(
        {},
        "[s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_HTTPONLY, s.DEBUG, "
        "s.SECURE_PROXY_SSL_HEADER, 'jiaoliuba.core.policy_header.CachedPolicyCSPMiddleware' in s.MIDDLEWARE]",
    )
    assert values == [
        True,
        True,
        31536000,
        True,
        True,
        False,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
    ]


def test_production_tiles_widen_img_src_only():
    sources = _production(
        {"TIANDITU_KEY": "k"}, 's.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]'
    )
    assert sources == ["'self'", "data:", "blob:", "https://*.tianditu.gov.cn"]
