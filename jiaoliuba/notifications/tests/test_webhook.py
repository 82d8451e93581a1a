"""Signed webhooks to a local HTTP receiver; retries with backoff; claiming."""

import datetime as dt
import json

import pytest

from jiaoliuba.notifications import services
from jiaoliuba.notifications.channels import webhook_signature
from jiaoliuba.notifications.models import Delivery, WebhookEndpoint
from jiaoliuba.notifications.tasks import deliver

pytestmark = pytest.mark.django_db
SECRET = "s3cr3t-shared-with-the-receiver"


def _event(make_resident, url, *, kind="appeal.dispatched", secret=SECRET):
    endpoint = WebhookEndpoint.objects.create(name="城市运行中心", url=url, secret=secret)
    services.notify(
        recipients=[make_resident(phone="13812345678")],
        kind=kind,
        title="诉求已派单",
        body="请网格员尽快处理。",
        link="/appeals/12/",
        channels=(),
        payload={"appeal_id": 12, "priority": "red"},
    )
    return endpoint, Delivery.objects.get(channel="webhook")


def test_signed_post_arrives_and_verifies(make_resident, webhook_receiver):
    receiver = webhook_receiver(SECRET)
    _endpoint, delivery = _event(make_resident, receiver.url)

    assert deliver.call(delivery.pk) == "sent"

    [request] = receiver.requests
    assert request.signature_ok and request.answered == 200
    headers = request.headers
    assert headers["X-Jiaoliuba-Event"] == "appeal.dispatched"
    assert headers["X-Jiaoliuba-Delivery"] == str(delivery.pk)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Jiaoliuba-Signature"] == webhook_signature(
        SECRET, headers["X-Jiaoliuba-Timestamp"], request.body
    )
    assert abs(int(headers["X-Jiaoliuba-Timestamp"]) - dt.datetime.now().timestamp()) < 60
    event = json.loads(request.body.decode("utf-8"))
    assert event["kind"] == "appeal.dispatched"
    assert event["title"] == "诉求已派单" and event["body"] == "请网格员尽快处理。"
    assert event["link"] == "/appeals/12/"
    assert event["payload"] == {"appeal_id": 12, "priority": "red"}
    assert dt.datetime.fromisoformat(event["occurred_at"]).tzinfo is not None
    assert b"13812345678" not in request.body
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_wrong_secret_is_rejected_by_the_receiver_and_retried(
    make_resident, webhook_receiver, frozen_clock
):
    receiver = webhook_receiver("the-receiver-knows-another-secret")
    _endpoint, delivery = _event(make_resident, receiver.url)
    assert deliver.call(delivery.pk) == "retry"
    assert receiver.requests[0].signature_ok is False
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.last_error.startswith("HTTP 401")


def test_500_then_200_is_retried_with_backoff(
    make_resident, webhook_receiver, frozen_clock, queued
):
    receiver = webhook_receiver(SECRET, statuses=[500, 200])
    _endpoint, delivery = _event(make_resident, receiver.url)
    started = frozen_clock.now()

    assert deliver.call(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "HTTP 500: receiver says no"
    assert delivery.next_attempt_at == started + dt.timedelta(seconds=30)
    assert delivery.sent_at is None
    # the retry is queued to run no earlier than that
    assert queued() == [(delivery.pk, started + dt.timedelta(seconds=30))]

    # too early: nothing happens
    frozen_clock.advance(seconds=10)
    assert deliver.call(delivery.pk) == "skipped"
    assert len(receiver.requests) == 1

    frozen_clock.advance(seconds=20)
    assert deliver.call(delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert delivery.sent_at == started + dt.timedelta(seconds=30)
    assert delivery.next_attempt_at is None
    assert [r.answered for r in receiver.requests] == [500, 200]
    # both attempts carried the same delivery id, each with its own valid signature
    assert {r.headers["X-Jiaoliuba-Delivery"] for r in receiver.requests} == {str(delivery.pk)}
    assert all(r.signature_ok for r in receiver.requests)

    # idempotent: the queued retry (or any duplicate) finds it sent and does nothing
    assert deliver.call(delivery.pk) == "skipped"
    assert len(receiver.requests) == 2


def test_backoff_schedule_then_dead(make_resident, webhook_receiver, frozen_clock, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    receiver = webhook_receiver(SECRET, statuses=[503])
    _endpoint, delivery = _event(make_resident, receiver.url)
    waits = []
    for _attempt in range(4):
        before = frozen_clock.now()
        assert deliver.call(delivery.pk) == "retry"
        delivery.refresh_from_db()
        waits.append((delivery.next_attempt_at - before).total_seconds())
        frozen_clock.current = delivery.next_attempt_at
    assert waits == [30, 120, 600, 3600]

    assert deliver.call(delivery.pk) == "dead"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("dead", 5, None)
    assert delivery.last_error.startswith("HTTP 503")
    frozen_clock.advance(hours=2)
    assert deliver.call(delivery.pk) == "skipped"
    assert len(receiver.requests) == 5


def test_connection_refused_counts_as_a_failure(make_resident, frozen_clock):
    _endpoint, delivery = _event(make_resident, "http://127.0.0.1:9/nothing-listens")
    assert deliver.call(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "refused" in delivery.last_error.lower()


def test_a_redirect_is_not_followed(make_resident, webhook_receiver, frozen_clock):
    receiver = webhook_receiver(SECRET, statuses=[302])
    _endpoint, delivery = _event(make_resident, receiver.url)
    assert deliver.call(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.last_error.startswith("HTTP 302")
    assert len(receiver.requests) == 1


def test_disabled_or_removed_endpoint_gives_up_at_once(make_resident, webhook_receiver):
    receiver = webhook_receiver(SECRET)
    endpoint, delivery = _event(make_resident, receiver.url)
    endpoint.active = False
    endpoint.save()
    assert deliver.call(delivery.pk) == "dead"
    delivery.refresh_from_db()
    assert delivery.last_error == "the webhook endpoint is disabled"
    assert receiver.requests == []


def test_two_workers_with_the_same_snapshot_claim_it_once(make_resident, webhook_receiver):
    receiver = webhook_receiver(SECRET)
    _endpoint, delivery = _event(make_resident, receiver.url)
    now = dt.datetime.now(dt.UTC)
    first, second = Delivery.objects.get(pk=delivery.pk), Delivery.objects.get(pk=delivery.pk)
    assert services._claim(first, now) is True
    assert services._claim(second, now) is False
    # while it is claimed, the task leaves it to the worker holding it
    assert deliver.call(delivery.pk) == "skipped"
    assert receiver.requests == []


def test_stalled_deliveries_are_requeued(make_resident, webhook_receiver, frozen_clock, queued):
    receiver = webhook_receiver(SECRET)
    _endpoint, delivery = _event(make_resident, receiver.url)
    assert services.deliveries_requeue_stalled() == 0  # fresh: its task is surely queued
    # a worker claimed it and died
    services._claim(Delivery.objects.get(pk=delivery.pk), frozen_clock.now())
    frozen_clock.advance(minutes=30)
    assert services.deliveries_requeue_stalled() == 1
    assert [pk for pk, _ in queued()] == [delivery.pk]
    assert deliver.call(delivery.pk) == "sent"
    assert Delivery.objects.get(pk=delivery.pk).attempts == 2


def test_operator_retries_a_dead_delivery(
    make_resident, webhook_receiver, make_staff, django_capture_on_commit_callbacks, queued
):
    receiver = webhook_receiver(SECRET, statuses=[200])
    endpoint, delivery = _event(make_resident, receiver.url)
    endpoint.active = False
    endpoint.save()
    deliver.call(delivery.pk)
    endpoint.active = True
    endpoint.save()
    admin = make_staff("city_admin", "411700000000")
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_retry(actor=admin, delivery=Delivery.objects.get(pk=delivery.pk))
    assert [pk for pk, _ in queued()] == [delivery.pk]
    assert deliver.call(delivery.pk) == "sent"
    assert len(receiver.requests) == 1
