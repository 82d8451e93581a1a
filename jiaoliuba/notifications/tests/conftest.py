"""Real receivers for the channels: an SMTP server (aiosmtpd) and an HTTP server for
webhooks, each on a free local port in a thread of the test process."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jiaoliuba.core import clock
from jiaoliuba.testing.stack import free_port

# --- SMTP -------------------------------------------------------------------------------


class _MailHandler:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server; Django's SMTP backend is pointed at it."""
    handler = _MailHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


# --- webhooks --------------------------------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    answered: int


@dataclass
class Receiver:
    """Answers each POST with the next status in `statuses` (the last one repeats) when
    the signature checks out, 401 when it does not."""

    secret: str
    statuses: list[int]
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def expected_signature(self, timestamp: str, body: bytes) -> str:
        mac = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        return "sha256=" + mac.hexdigest()

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        given = headers.get("X-Jiaoliuba-Signature", "")
        ok = hmac.compare_digest(
            given, self.expected_signature(headers.get("X-Jiaoliuba-Timestamp", ""), body)
        )
        with self.lock:
            if ok:
                index = sum(1 for r in self.requests if r.signature_ok)
                status = self.statuses[min(index, len(self.statuses) - 1)]
            else:
                status = 401
            self.requests.append(Received(headers, body, ok, status))
        return status


@pytest.fixture
def webhook_receiver():
    """Factory: receiver(secret, statuses=[200]) starts a local HTTP server."""
    servers = []

    def start(secret: str, statuses: list[int] | None = None) -> Receiver:
        receiver = Receiver(secret=secret, statuses=statuses or [200])

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.answer(dict(self.headers.items()), body)
                reply = b'{"ok":true}' if status < 300 else b"receiver says no"
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/jiaoliuba"
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# --- time and tasks ----------------------------------------------------------------------


class FrozenClock:
    def __init__(self, start):
        self.current = start

    def now(self):
        return self.current

    def advance(self, **delta):
        self.current += dt.timedelta(**delta)


@pytest.fixture
def frozen_clock(monkeypatch):
    """jiaoliuba.core.clock.now() stands still until the test moves it."""

    frozen = FrozenClock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(clock, "now", frozen.now)
    return frozen


@pytest.fixture
def queued():
    """The deliver tasks waiting in the django-tasks database queue: [(delivery_id, run_after)]."""

    def read(path: str = "jiaoliuba.notifications.tasks.deliver"):
        rows = DBTaskResult.objects.filter(task_path=path, status="READY").order_by("enqueued_at")
        return [(r.args_kwargs["args"][0], r.run_after) for r in rows]

    return read
