"""SMS gateways. Pick one with SMS_BACKEND; the same gateway serves sign-in codes and,
later, notifications."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import unicodedata
import urllib.error
import urllib.request
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from jiaoliuba.core import crypto
from jiaoliuba.core.models import SmsOutbox

logger = logging.getLogger(__name__)


class SmsDeliveryError(Exception):
    pass


class BaseSmsBackend:
    def send(self, *, phone: str, message: str, sign_in_code: bool = False) -> None:
        """`sign_in_code` marks a one-time sign-in code (the development outbox shows only
        those in the terminal; gateways send every message alike)."""
        raise NotImplementedError


class OutboxBackend(BaseSmsBackend):
    """Development and tests: keep the message in the database and log that it was sent.
    Never use in production: a system check warns."""

    def send(self, *, phone: str, message: str, sign_in_code: bool = False) -> None:
        SmsOutbox.objects.create(
            phone=phone, phone_hash=crypto.lookup_hash(phone, purpose="phone"), body=message
        )
        if settings.DEBUG and sign_in_code:
            # Development only: show the code so a developer can sign in without a phone,
            # framed so it stands out. Other messages (receipts, the demo history's
            # backlog) stay in the outbox: hundreds of frames would bury the code.
            logger.warning("%s", framed(f"短信 SMS → {phone[:3]}****{phone[-4:]}: {message}"))
        else:
            logger.debug("SMS to %s****%s stored in the outbox", phone[:3], phone[-4:])


def _width(text: str) -> int:
    # Chinese characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def framed(text: str) -> str:
    """`text` in a box of terminal line-drawing characters (three lines)."""
    text = " ".join(text.split())
    inner = _width(text) + 2
    return "\n".join(("╔" + "═" * inner + "╗", f"║ {text} ║", "╚" + "═" * inner + "╝"))


class HttpGatewayBackend(BaseSmsBackend):
    """POSTs {"phone", "message"} as JSON to SMS_HTTP_URL. The body is signed with
    HMAC-SHA256 (SMS_HTTP_SECRET) in X-Jiaoliuba-Signature so the gateway can verify it."""

    def send(self, *, phone: str, message: str, sign_in_code: bool = False) -> None:
        if not settings.SMS_HTTP_URL:
            raise SmsDeliveryError("SMS_HTTP_URL is not configured")
        body = json.dumps({"phone": phone, "message": message}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if settings.SMS_HTTP_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_HTTP_TOKEN}"
        if settings.SMS_HTTP_SECRET:
            signature = hmac.new(
                settings.SMS_HTTP_SECRET.encode(), body, hashlib.sha256
            ).hexdigest()
            headers["X-Jiaoliuba-Signature"] = f"sha256={signature}"
        request = urllib.request.Request(  # noqa: S310 (URL is operator configuration)
            settings.SMS_HTTP_URL, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise SmsDeliveryError(f"gateway answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsDeliveryError(str(exc)) from exc


@cache
def _backend(path: str) -> BaseSmsBackend:
    return import_string(path)()


def get_sms_backend() -> BaseSmsBackend:
    return _backend(settings.SMS_BACKEND)
