"""Background delivery of notifications, run by `jiaoliuba worker`.

`deliver(delivery_id)` sends one Delivery through its channel:

- sms: through settings.SMS_BACKEND (the gateway that sends sign-in codes);
- email: through settings.EMAIL_BACKEND (SMTP at EMAIL_HOST:EMAIL_PORT), subject = title;
- webhook: an HTTP POST to the endpoint's URL, described below.

Success marks the delivery "sent". A failure records the error; the delivery is
"failed" and a new task is queued to run after 30 s, 2 min, 10 min, then every hour
(NOTIFICATIONS_RETRY_DELAYS) until NOTIFICATIONS_MAX_ATTEMPTS (5) attempts were made; then
it is "dead". The task is idempotent: a delivery already sent or dead is left alone, one
whose retry is not due yet is skipped, and a worker claims a delivery with a
compare-and-set on (status, attempts) before sending, so two workers never send it twice.

Webhooks
--------
Every active WebhookEndpoint whose `kinds` match the notification's kind gets one POST
per event (not per recipient)::

    POST <endpoint url>
    Content-Type: application/json; charset=utf-8
    User-Agent: jiaoliuba-webhook/1
    X-Jiaoliuba-Event: appeal.dispatched          (the kind)
    X-Jiaoliuba-Delivery: 1234                    (the same on every retry: deduplicate on it)
    X-Jiaoliuba-Timestamp: 1767225600             (Unix seconds of this attempt)
    X-Jiaoliuba-Signature: sha256=<hex>

    {"body":"…","kind":"appeal.dispatched","link":"/appeals/12/",
     "occurred_at":"2026-01-01T00:00:00+00:00","payload":{…},"title":"…"}

The body is compact UTF-8 JSON with sorted keys. The signature is
HMAC-SHA256 keyed with the endpoint's secret over ``f"{timestamp}.{body}"``, the raw body
bytes exactly as received, hex-encoded. A receiver should recompute it, compare in
constant time, and reject timestamps more than a few minutes old. Verifying in Python::

    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body,
                                    hashlib.sha256).hexdigest()
    ok = hmac.compare_digest(expected, request.headers["X-Jiaoliuba-Signature"])

Any 2xx answer within NOTIFICATIONS_WEBHOOK_TIMEOUT seconds (10) counts as delivered;
anything else, redirects included, is retried. The body never carries phone or ID
numbers, nor who received the notification.
"""

from django_tasks import task

from jiaoliuba.notifications import services


@task()
def deliver(delivery_id: int) -> str:
    return services.delivery_attempt(delivery_id=delivery_id)


@task()
def requeue_stalled_deliveries() -> int:
    return services.deliveries_requeue_stalled()
