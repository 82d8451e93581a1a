"""The production stack, started for real and used from outside: nginx from Debian's package
with the repo's site config (deploy/nginx/jiaoliuba.conf) over TLS, gunicorn with the repo's
config (2 workers, production settings, this run's database, Redis), a worker, and moto's S3
server for media. Everything goes through nginx: static files precompressed, pages with
their security headers, an appeal with a photo filed by a resident and followed up by the
worker, sessions in Redis, and rate limits keyed by each client's own address (X-Real-IP
from nginx, believed because gunicorn's unix socket is a TRUSTED_PROXIES peer).

CI installs nginx and sets JIAOLIUBA_REQUIRE_NGINX=1: there a missing nginx or Redis fails
the test; elsewhere it is skipped with the reason."""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from PIL import Image

from jiaoliuba.accounts import services as account_services
from jiaoliuba.appeals.models import Appeal, AppealBand, Attachment
from jiaoliuba.testing.fixtures import JIEFANG
from jiaoliuba.testing.stack import (
    Browser,
    ProcessGroup,
    bucket_keys,
    collectstatic,
    free_port,
    nginx_binary,
    start_gunicorn,
    start_moto,
    start_nginx,
    start_worker,
    wait_for,
)
from jiaoliuba.testing.worker import database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("REDIS_STACK_URL", "redis://127.0.0.1:6379/14")
# Only what the pages this test visits need: plotly.js, the admin's and Leaflet's files and
# the htmx builds no page loads take most of collectstatic's minute of compression.
IGNORED_STATIC = ("plotly*", "admin", "leaflet", "htmax-*", "htmx-4*", "htmx-2.js")


def _require(what: str, ok: bool) -> None:
    if ok:
        return
    if os.environ.get("JIAOLIUBA_REQUIRE_NGINX"):
        pytest.fail(f"JIAOLIUBA_REQUIRE_NGINX is set but {what}")
    pytest.skip(f"{what}: the production stack test needs nginx and Redis on this machine")


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        _require(f"no Redis answers at {REDIS_URL}", False)
    return client


def _loopback_address() -> str:
    """A loopback address of this run only, so counters in the shared Redis are its own."""
    return f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"


def _phone() -> str:
    return f"139{random.randint(0, 10**8 - 1):08d}"


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (220, 60, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


def _sms_request(browser: Browser, phone: str, **headers: str) -> int:
    return browser.request(
        "POST",
        "/api/v1/auth/sms/request",
        json.dumps({"phone": phone}).encode(),
        {"Content-Type": "application/json", **headers},
    ).status


def test_production_stack_through_nginx(make_resident):
    _require("nginx is not installed (apt-get install nginx)", nginx_binary() is not None)
    cache = _redis()
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="jiaoliuba-stack-"))
    root.chmod(0o755)  # nginx's workers run as nobody when the master is root
    (root / "proc").mkdir()
    group = ProcessGroup(root / "proc")
    https_port, http_port = free_port(), free_port()
    client_a, client_b, client_c = (_loopback_address() for _ in range(3))
    try:
        s3 = start_moto(group)
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
            "FIELD_HASH_KEY": settings.FIELD_HASH_KEY,
            "DATABASE_URL": database_url(),
            "REDIS_URL": REDIS_URL,
            "JIAOLIUBA_VAR_DIR": str(root / "var"),
            "STATIC_ROOT": str(root / "static"),
            "ALLOWED_HOSTS": "127.0.0.1",
            # nginx passes $host, without the port a test must use
            "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
            "TRUSTED_PROXIES": "unix",
            "GUNICORN_BIND": f"unix:{root}/gunicorn.sock",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_UMASK": "000",  # nginx's workers (nobody) reach the socket
            "OTP_MAX_PER_IP_PER_HOUR": "2",
            "LOG_LEVEL": "WARNING",
            **s3,
        }
        collectstatic(env, *IGNORED_STATIC)
        start_gunicorn(group, env, root / "gunicorn.sock")
        start_worker(group, env)
        cafile = start_nginx(group, root, https_port=https_port, http_port=http_port)
        browser = Browser(https_port, cafile, source=client_a)

        # Static: precompressed by collectstatic, sent as it is by nginx, cached for a year.
        manifest = json.loads((root / "static" / "staticfiles.json").read_text())["paths"]
        hashed = manifest["jiaoliuba/app.css"]
        static = browser.request("GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
        assert static.status == 200
        assert static.header("Server").startswith("nginx")
        assert static.header("Content-Encoding") == "gzip"
        assert static.body == (root / "static" / f"{hashed}.gz").read_bytes()
        assert "max-age=31536000" in static.header("Cache-Control")
        assert "immutable" in static.header("Cache-Control")
        plain = browser.request("GET", f"/static/{hashed}")
        assert plain.body == (root / "static" / hashed).read_bytes()
        unhashed = browser.request("GET", "/static/jiaoliuba/app.css")
        assert unhashed.status == 200 and "max-age=3600" in unhashed.header("Cache-Control")
        assert browser.request("GET", "/media/anything.png").status == 404

        # Plain HTTP only redirects to HTTPS.
        assert _port_redirects(http_port)

        # The home page, from Django through nginx, with Django's security headers.
        home = browser.request("GET", "/")
        assert home.status == 200, home.body[:2000]
        assert f"/static/{hashed}".encode() in home.body
        assert "default-src 'self'" in home.header("Content-Security-Policy")
        assert home.header("Strict-Transport-Security").startswith("max-age=31536000")
        assert home.header("X-Frame-Options") == "DENY"
        assert home.header("X-Content-Type-Options") == "nosniff"
        assert home.header("Referrer-Policy") == "same-origin"

        # A resident files an appeal with a photo through the API; the worker follows it up.
        owner = make_resident(name="业主")
        _token, raw = account_services.api_token_create(user=owner, name="stack")
        body, content_type = _multipart(
            {"content": "楼道灯坏了一个星期，晚上看不见台阶", "community": JIEFANG},
            {"photos": ("p.png", _png(), "image/png")},
        )
        filed = browser.request(
            "POST",
            "/api/v1/appeals",
            body,
            {"Content-Type": content_type, "Authorization": f"Bearer {raw}"},
        )
        assert filed.status == 201, filed.body[:2000]
        appeal = json.loads(filed.body)
        due = Appeal.objects.filter(pk=appeal["id"], follow_up__isnull=False)
        wait_for(
            lambda: not due.exists() and AppealBand.objects.filter(appeal_id=appeal["id"]).exists(),
            seconds=40,
            what="the worker's follow-up of the appeal",
            group=group,
        )
        # The photo is in the bucket, and comes back through the app to its owner only.
        attachment = Attachment.objects.get(appeal_id=appeal["id"])
        assert attachment.file.name in bucket_keys(s3)
        url = f"/api/v1/appeals/{appeal['id']}/attachments/{attachment.pk}"
        photo = browser.request("GET", url, headers={"Authorization": f"Bearer {raw}"})
        assert photo.status == 200 and photo.body.startswith(b"\x89PNG")
        assert len(photo.body) == attachment.size
        neighbour = make_resident(name="邻居")
        _token, other = account_services.api_token_create(user=neighbour, name="stack")
        assert (
            browser.request("GET", url, headers={"Authorization": f"Bearer {other}"}).status == 404
        )

        # Sessions live in Redis: the sign-in page keeps the number typed in the session.
        web = Browser(https_port, cafile, source=client_c)
        assert web.request("GET", "/login/").status == 200
        sent = web.request(
            "POST",
            "/login/send-code/",
            f"phone={_phone()}&csrfmiddlewaretoken={web.cookies['csrftoken']}".encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1:{https_port}/login/",
                "Origin": f"https://127.0.0.1:{https_port}",
            },
        )
        assert sent.status == 302, sent.body[:2000]
        session_key = web.cookies["sessionid"]
        assert cache.exists(f":1:django.contrib.sessions.cache{session_key}")

        # Rate limits count each client's own address, which nginx sets (a client's own
        # X-Real-IP is overwritten): two clients are counted apart.
        other_client = Browser(https_port, cafile, source=client_b)
        assert _sms_request(browser, _phone()) == 202
        assert _sms_request(browser, _phone()) == 202
        assert _sms_request(browser, _phone(), **{"X-Real-IP": client_b}) == 429
        assert _sms_request(other_client, _phone()) == 202
        assert int(cache.get(f":1:rl:otp:ip:{client_a}")) == 3
        assert int(cache.get(f":1:rl:otp:ip:{client_b}")) == 1
        assert not cache.exists(":1:rl:otp:ip:-")

        # nginx writes the access log line after the response has gone out, so the line for
        # the last request may still be on its way when the client has read the answer.
        access_log = root / "log" / "jiaoliuba.access.log"
        wait_for(
            lambda: re.search(rf"^{re.escape(client_b)} ", access_log.read_text(), re.MULTILINE),
            seconds=10,
            what=f"nginx's access log line for {client_b}",
            group=group,
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n\n{_logs(group, root)}") from exc
    finally:
        group.stop_all()
        for client in (client_a, client_b, client_c):
            for key in cache.scan_iter(match=f"*:{client}"):
                cache.delete(key)
        shutil.rmtree(root, ignore_errors=True)
    # Not an assertion on speed: a note of the cost, for whoever reads the test's output.
    print(f"production stack test: {time.monotonic() - started:.1f} s")


def _port_redirects(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/login/")
        response = connection.getresponse()
        return response.status == 301 and response.getheader("Location", "").startswith(
            "https://127.0.0.1/login/"
        )
    finally:
        connection.close()


def _logs(group: ProcessGroup, root: Path) -> str:
    out = [f"--- {name} ---\n{group.log(name)}" for name in group.procs]
    error_log = root / "log" / "jiaoliuba.error.log"
    if error_log.exists():
        out.append(f"--- nginx error log ---\n{error_log.read_text()[-3000:]}")
    return "\n".join(out)
