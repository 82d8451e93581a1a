"""Writes of the notifications app.

Other apps call `notify` inside their own transaction; nothing leaves the building unless
that transaction commits. The `deliver` task (tasks.py) then calls `delivery_attempt`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.core import clock
from jiaoliuba.core.errors import Conflict, NotFound, ValidationFailed
from jiaoliuba.core.services import audit_record
from jiaoliuba.notifications import channels as senders
from jiaoliuba.notifications import conf
from jiaoliuba.notifications.choices import (
    KIND_MAX,
    LINK_MAX,
    OPEN_STATUSES,
    RECIPIENT_CHANNELS,
    TITLE_MAX,
    Channel,
    DeliveryStatus,
)
from jiaoliuba.notifications.models import (
    ChannelPreference,
    Delivery,
    Notification,
    WebhookEndpoint,
)
from jiaoliuba.notifications.privacy import redact, redact_text

logger = logging.getLogger(__name__)

KIND_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
# A retry may be picked up by a worker a moment before its time; don't turn it away.
DUE_TOLERANCE = dt.timedelta(seconds=2)
# Open deliveries untouched this long past their time get re-enqueued by the sweep.
STALL_GRACE = dt.timedelta(minutes=5)


# --- notify ----------------------------------------------------------------------------


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_arguments(kind: str, title: str, link: str, channels_: Sequence[str]) -> None:
    # Programming errors of the calling app, not something a user can get wrong.
    if not KIND_PATTERN.match(kind) or len(kind) > KIND_MAX:
        raise ValueError(f"kind must look like 'appeal.dispatched', got {kind!r}")
    if not title.strip():
        raise ValueError("a notification needs a title")
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > LINK_MAX):
        raise ValueError(f"link must be a relative URL such as '/appeals/12/', got {link!r}")
    unknown = set(channels_) - RECIPIENT_CHANNELS
    if unknown:
        raise ValueError(
            f"unknown channels {sorted(unknown)}: choose from 'sms' and 'email' "
            "(webhooks follow their endpoints' subscriptions)"
        )


def _unique_users(recipients: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    return users


def _target(user: User, channel: str) -> str:
    if not user.is_active:
        return ""
    if channel == Channel.SMS:
        return user.phone or ""
    if channel == Channel.EMAIL:
        return user.email or ""
    return ""


def webhook_event(
    *, kind: str, title: str, body: str, link: str, payload: dict[str, Any] | None
) -> dict[str, Any]:
    """What a webhook receiver gets: never phone or ID numbers (keys are dropped, numbers
    in text are masked) and never who the recipients are."""
    data = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))
    return {
        "kind": kind,
        "title": redact_text(title),
        "body": redact_text(body),
        "link": link,
        "occurred_at": clock.now().isoformat(),
        "payload": redact(data),
    }


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str,
    link: str = "",
    channels: Sequence[str] = ("sms",),
    payload: dict[str, Any] | None = None,
) -> list[Notification]:
    """Put a notification in each recipient's inbox, and queue a delivery
    - per recipient and channel in `channels` they can receive ("sms" needs a phone,
      "email" an address; inactive users get the inbox only) and have not switched off
      (ChannelPreference), and
    - per active webhook endpoint subscribed to `kind` (once per call, not per recipient).

    `kind` is a dotted code such as "appeal.dispatched"; `link` a relative URL that opening
    the notification leads to; `payload` extra JSON for webhooks only.
    Call it inside the caller's transaction: the deliveries are enqueued on commit, so a
    rollback sends nothing. Returns the notifications, in the order of `recipients`."""
    if isinstance(channels, str):
        channels = (channels,)
    title = title.strip()
    _check_arguments(kind, title, link, channels)
    wanted = list(dict.fromkeys(channels))
    users = _unique_users(recipients)
    title = _clip(title, TITLE_MAX)
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [Notification(recipient=u, kind=kind, title=title, body=body, link=link) for u in users]
        )
        off = _switched_off(users) if wanted else {}
        deliveries = [
            Delivery(notification=n, channel=channel, kind=kind, target=target)
            for n, user in zip(notifications, users, strict=True)
            for channel in wanted
            if channel not in off.get(user.pk, ()) and (target := _target(user, channel))
        ]
        endpoints = [
            e for e in WebhookEndpoint.objects.filter(active=True) if e.subscribes_to(kind)
        ]
        if endpoints:
            event = webhook_event(kind=kind, title=title, body=body, link=link, payload=payload)
            deliveries += [
                Delivery(
                    endpoint=e, channel=Channel.WEBHOOK, kind=kind, target=e.url, payload=event
                )
                for e in endpoints
            ]
        ids = [d.pk for d in Delivery.objects.bulk_create(deliveries)]
        if ids:
            transaction.on_commit(partial(_enqueue, ids), robust=True)
    return notifications


def _switched_off(users: list[User]) -> dict[int, set[str]]:
    """user id → the channels they switched off; one query for all recipients."""
    rows = ChannelPreference.objects.filter(user__in=[u.pk for u in users])
    return {
        row.user_id: {c for c in RECIPIENT_CHANNELS if not row.allows(c)}
        for row in rows.only("user_id", "sms", "email")
    }


def channel_preference_set(*, user: User, sms: bool, email: bool) -> ChannelPreference:
    """A person chooses whether notifications also reach them by SMS and by e-mail."""
    row, _created = ChannelPreference.objects.update_or_create(
        user=user, defaults={"sms": sms, "email": email, "updated_at": clock.now()}
    )
    return row


def _enqueue(delivery_ids: list[int]) -> None:
    from jiaoliuba.notifications.tasks import deliver  # noqa: PLC0415 — tasks.py imports services (a real cycle)

    for pk in delivery_ids:
        try:
            deliver.enqueue(pk)
        except Exception:
            # The sweep (deliveries_requeue_stalled) picks it up later.
            logger.exception("could not enqueue delivery %s", pk)


# --- webhook endpoints ------------------------------------------------------------------


def webhook_endpoint_save(
    *,
    actor: User,
    name: str,
    url: str,
    kinds: str,
    active: bool = True,
    endpoint: WebhookEndpoint | None = None,
) -> WebhookEndpoint:
    """Create or change a webhook endpoint outside the admin (e.g. a community's notice
    channel forwarding to a WeChat group bot): an http(s) URL, audited like the admin's
    changes. A new endpoint gets a fresh signing secret."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        raise ValidationFailed(
            _("Please give a web address starting with http:// or https://."), code="invalid_url"
        ) from None
    if len(url) > 500:
        raise ValidationFailed(_("The web address is too long."), code="invalid_url")
    before = (
        {
            "name": endpoint.name,
            "url": endpoint.url,
            "kinds": endpoint.kinds,
            "active": endpoint.active,
        }
        if endpoint is not None
        else {}
    )
    if endpoint is None:
        endpoint = WebhookEndpoint(name=name[:100], url=url, kinds=kinds[:500], active=active)
    else:
        endpoint.name, endpoint.url, endpoint.kinds, endpoint.active = (
            name[:100],
            url,
            kinds[:500],
            active,
        )
    endpoint.save()
    audit_record(
        actor=actor,
        action="webhook.save",
        target=endpoint,
        before=before,
        after={
            "name": endpoint.name,
            "url": endpoint.url,
            "kinds": endpoint.kinds,
            "active": active,
        },
    )
    return endpoint


# --- inbox -----------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Idempotent: reading twice keeps the first time."""
    if notification.recipient_id != getattr(user, "pk", None):
        raise NotFound(_("No such notification."), code="notification_not_found")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Marks every unread notification of `user` read; returns how many."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=clock.now()
    )


# --- delivery --------------------------------------------------------------------------


def _claim(delivery: Delivery, now: dt.datetime) -> bool:
    """Compare-and-set on (status, attempts): of two workers holding the same snapshot,
    exactly one wins. The winner holds the delivery for conf.claim_duration(); if it dies
    meanwhile, the delivery becomes due again and the sweep re-enqueues it."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + DUE_TOLERANCE)
    won = (
        Delivery.objects.filter(
            due, pk=delivery.pk, status__in=OPEN_STATUSES, attempts=delivery.attempts
        ).update(
            attempts=delivery.attempts + 1,
            last_attempt_at=now,
            next_attempt_at=now + conf.claim_duration(),
        )
        == 1
    )
    if won:
        delivery.attempts += 1
        delivery.last_attempt_at = now
    return won


def delivery_attempt(*, delivery_id: int) -> str:
    """Try to send one delivery once. Returns what happened: "sent", "retry", "dead", or
    "skipped" (unknown, already sent or dead, not due yet, or taken by another worker)."""
    now = clock.now()
    delivery = (
        Delivery.objects.select_related("notification", "endpoint").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.status not in OPEN_STATUSES:
        return "skipped"
    if delivery.next_attempt_at and delivery.next_attempt_at > now + DUE_TOLERANCE:
        return "skipped"
    if not _claim(delivery, now):
        return "skipped"
    attempt = delivery.attempts
    mine = Delivery.objects.filter(pk=delivery.pk, status__in=OPEN_STATUSES, attempts=attempt)
    try:
        senders.send(delivery)
    except Exception as exc:
        error = str(exc) or type(exc).__name__
        dead = isinstance(exc, senders.PermanentDeliveryError) or attempt >= conf.max_attempts()
        finished = clock.now()
        next_at = None if dead else finished + conf.retry_delay(attempt)
        logger.warning(
            "delivery %s (%s) attempt %s failed%s: %s",
            delivery.pk,
            delivery.channel,
            attempt,
            "; giving up" if dead else f"; retry at {next_at:%H:%M:%S}",
            error,
        )
        with transaction.atomic():
            updated = mine.update(
                status=DeliveryStatus.DEAD if dead else DeliveryStatus.FAILED,
                last_error=error[:1000],
                next_attempt_at=next_at,
            )
            if updated and next_at is not None:
                from jiaoliuba.notifications.tasks import deliver  # noqa: PLC0415 — tasks.py imports services (a real cycle)

                deliver.using(run_after=next_at).enqueue(delivery.pk)
        return "dead" if dead else "retry"
    mine.update(
        status=DeliveryStatus.SENT, sent_at=clock.now(), next_attempt_at=None, last_error=""
    )
    return "sent"


def delivery_retry(*, actor: User, delivery: Delivery, ip: str | None = None) -> Delivery:
    """An operator sends a dead (or waiting) delivery again now: one more attempt; if that
    fails too, it is dead again."""
    with transaction.atomic():
        changed = Delivery.objects.filter(
            pk=delivery.pk, status__in=[DeliveryStatus.DEAD, DeliveryStatus.FAILED]
        ).update(status=DeliveryStatus.PENDING, next_attempt_at=None)
        if changed != 1:
            raise Conflict(_("Only failed deliveries can be retried."), code="not_retryable")
        audit_record(
            actor=actor,
            action="delivery.retry",
            target=delivery,
            before={"status": delivery.status},
            after={"status": DeliveryStatus.PENDING},
            ip=ip,
        )
        transaction.on_commit(partial(_enqueue, [delivery.pk]), robust=True)
    delivery.refresh_from_db()
    return delivery


def deliveries_requeue_stalled(*, limit: int = 500) -> int:
    """Re-enqueue open deliveries whose task was lost (a process died between commit and
    enqueue, or a worker died while sending). Safe to run anywhere, any time: `deliver`
    skips what is not due and claims with compare-and-set."""
    cutoff = clock.now() - STALL_GRACE
    stalled = Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, created_at__lt=cutoff)
    ids = list(
        Delivery.objects.filter(stalled, status__in=OPEN_STATUSES)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    _enqueue(ids)
    return len(ids)
