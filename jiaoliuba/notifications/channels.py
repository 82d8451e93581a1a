"""The senders behind each delivery channel. `send` raises on failure: a
PermanentDeliveryError when trying again cannot help, any other exception when it might.

The webhook wire format is documented in jiaoliuba.notifications.tasks."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from jiaoliuba.core import clock
from jiaoliuba.core.sms import get_sms_backend
from jiaoliuba.notifications import conf
from jiaoliuba.notifications.choices import Channel
from jiaoliuba.notifications.models import Delivery, Notification

SMS_MAX = 300
USER_AGENT = "jiaoliuba-webhook/1"


class DeliveryError(Exception):
    """The attempt failed; a later one may succeed."""


class PermanentDeliveryError(DeliveryError):
    """The attempt failed and no retry can succeed (endpoint removed or disabled)."""


def send(delivery: Delivery) -> None:
    if delivery.channel == Channel.SMS:
        send_sms(delivery)
    elif delivery.channel == Channel.EMAIL:
        send_email(delivery)
    elif delivery.channel == Channel.WEBHOOK:
        send_webhook(delivery)
    else:
        raise PermanentDeliveryError(f"unknown channel {delivery.channel!r}")


def _notification(delivery: Delivery) -> Notification:
    if delivery.notification is None:
        raise PermanentDeliveryError("the notification no longer exists")
    return delivery.notification


# --- SMS -------------------------------------------------------------------------------


def sms_text(notification: Notification) -> str:
    text = notification.title
    if notification.body:
        text = f"{text}：{notification.body}"
    url = conf.absolute_url(notification.link)
    room = SMS_MAX - len(settings.SMS_SIGNATURE) - (len(url) + 1 if url else 0)
    if len(text) > room:
        text = text[: room - 1] + "…"
    return f"{settings.SMS_SIGNATURE}{text}{' ' + url if url else ''}"


def send_sms(delivery: Delivery) -> None:
    """Through the same gateway as sign-in codes (settings.SMS_BACKEND)."""
    get_sms_backend().send(phone=delivery.target, message=sms_text(_notification(delivery)))


# --- e-mail ----------------------------------------------------------------------------


def email_subject(notification: Notification) -> str:
    return " ".join(notification.title.split())  # no line breaks in a header


def email_body(notification: Notification) -> str:
    parts = [notification.body or notification.title]
    url = conf.absolute_url(notification.link)
    if url:
        parts.append(url)
    return "\n\n".join(parts) + "\n"


def send_email(delivery: Delivery) -> None:
    """Through settings.EMAIL_BACKEND (SMTP at EMAIL_HOST:EMAIL_PORT in production)."""
    notification = _notification(delivery)
    connection = get_connection(fail_silently=False, timeout=conf.email_timeout())
    message = EmailMessage(
        subject=email_subject(notification),
        body=email_body(notification),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.target],
        connection=connection,
    )
    if message.send() != 1:
        raise DeliveryError("the mail backend did not accept the message")


# --- webhook ---------------------------------------------------------------------------


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """ "sha256=" + hex HMAC-SHA256(secret, f"{timestamp}.{body}")."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: following it would re-send the POST as a GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send_webhook(delivery: Delivery) -> None:
    endpoint = delivery.endpoint
    if endpoint is None:
        raise PermanentDeliveryError("the webhook endpoint was removed")
    if not endpoint.active:
        raise PermanentDeliveryError("the webhook endpoint is disabled")
    body = webhook_body(delivery.payload)
    timestamp = str(int(clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Jiaoliuba-Event": delivery.kind,
        "X-Jiaoliuba-Delivery": str(delivery.pk),
        "X-Jiaoliuba-Timestamp": timestamp,
        "X-Jiaoliuba-Signature": webhook_signature(endpoint.secret, timestamp, body),
    }
    request = urllib.request.Request(  # noqa: S310 (the URL is admin configuration)
        endpoint.url, data=body, headers=headers, method="POST"
    )
    try:
        with _opener.open(request, timeout=conf.webhook_timeout()) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(200).decode("utf-8", "replace").strip()
        raise DeliveryError(f"HTTP {exc.code}{': ' + detail if detail else ''}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{type(exc).__name__}: {reason}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
