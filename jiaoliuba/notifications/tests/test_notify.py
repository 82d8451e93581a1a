"""notify(): the inbox row, the deliveries it queues and what webhooks may carry."""

import pytest
from django.db import connection

from jiaoliuba.notifications import selectors, services
from jiaoliuba.notifications.models import Delivery, Notification, WebhookEndpoint

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def resident(make_resident):
    user = make_resident(name="王阿姨", phone=PHONE)
    user.email = "wang@example.com"
    user.save(update_fields=["email"])
    return user


def test_inbox_row_per_recipient_and_deliveries_per_reachable_channel(
    resident, make_resident, make_staff, django_capture_on_commit_callbacks, queued
):
    no_email = make_resident(name="李大爷")
    staff_no_phone = make_staff("community_staff", "411702001001")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notifications = services.notify(
            recipients=[resident, no_email, staff_no_phone, resident],  # duplicate dropped
            kind="appeal.dispatched",
            title="您的诉求已派单",
            body="网格员将在24小时内联系您。",
            link="/appeals/12/",
            channels=("sms", "email"),
        )
    assert [n.recipient for n in notifications] == [resident, no_email, staff_no_phone]
    assert Notification.objects.count() == 3
    rows = sorted(
        (d.notification.recipient.display_name, d.channel) for d in Delivery.objects.all()
    )
    assert rows == [("李大爷", "sms"), ("王阿姨", "email"), ("王阿姨", "sms")]
    assert all(d.status == "pending" and d.attempts == 0 for d in Delivery.objects.all())
    # one task per delivery, enqueued once the transaction committed
    assert len(callbacks) == 1
    assert sorted(pk for pk, _ in queued()) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_inbox_only_when_no_channels_and_inactive_users_get_no_messages(
    resident, django_capture_on_commit_callbacks, queued
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[resident], kind="system.notice", title="t", body="b", channels=()
        )
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[resident], kind="system.notice", title="t", body="b")
    assert Notification.objects.filter(recipient=resident).count() == 2
    assert not Delivery.objects.exists()
    assert queued() == []


def test_phone_target_is_encrypted_at_rest_and_masked(resident):
    services.notify(recipients=[resident], kind="appeal.accepted", title="已签收", body="")
    delivery = Delivery.objects.get()
    assert delivery.target == PHONE
    assert delivery.masked_target == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT target FROM {Delivery._meta.db_table} WHERE id = %s", [delivery.pk])
        raw = cursor.fetchone()[0]
    assert PHONE not in raw and "5678" not in raw


def test_webhook_per_subscribed_active_endpoint_once_per_event(resident, make_resident):
    all_kinds = WebhookEndpoint.objects.create(name="all", url="https://a.example/h")
    appeals = WebhookEndpoint.objects.create(
        name="appeals", url="https://b.example/h", kinds="appeal, booking.made"
    )
    WebhookEndpoint.objects.create(name="votes", url="https://c.example/h", kinds="deliberation")
    WebhookEndpoint.objects.create(name="off", url="https://d.example/h", active=False)
    services.notify(
        recipients=[resident, make_resident()],
        kind="appeal.dispatched",
        title="t",
        body="b",
        channels=(),
    )
    hooks = Delivery.objects.filter(channel="webhook")
    assert {d.endpoint for d in hooks} == {all_kinds, appeals}
    assert all(d.notification is None for d in hooks)
    assert hooks.get(endpoint=appeals).masked_target == "appeals https://b.example/…"


@pytest.mark.parametrize(
    ("kinds", "kind", "expected"),
    [
        ("", "appeal.dispatched", True),
        ("appeal", "appeal.dispatched", True),
        ("appeal.", "appeal.dispatched", True),
        ("appeal.dispatched", "appeal.dispatched", True),
        ("appeal.dispatched", "appeal.dispatched_again", False),
        ("appeal", "appeals.bulk", False),
        ("booking, appeal.resolved", "appeal.resolved", True),
        ("booking, appeal.resolved", "appeal.dispatched", False),
        ("*", "anything.at_all", True),
    ],
)
def test_endpoint_kind_prefixes(kinds, kind, expected):
    assert WebhookEndpoint(kinds=kinds).subscribes_to(kind) is expected


def test_webhook_payload_never_carries_phone_or_id_numbers(resident):
    WebhookEndpoint.objects.create(name="all", url="https://a.example/h")
    services.notify(
        recipients=[resident],
        kind="appeal.created",
        title="新诉求 13912345678",
        body="居民留言：请回电 139-1234-5678 或 +86 13912345678，身份证 41170219800101123X。",
        link="/appeals/7/",
        channels=(),
        payload={
            "appeal_id": 7,
            "phone": PHONE,
            "reporter": {"Mobile": PHONE, "id_number": "41170219800101123X", "name": "王"},
            "notes": [f"call {PHONE}"],
        },
    )
    event = Delivery.objects.get(channel="webhook").payload
    assert set(event) == {"kind", "title", "body", "link", "occurred_at", "payload"}
    assert event["kind"] == "appeal.created" and event["link"] == "/appeals/7/"
    assert event["payload"] == {
        "appeal_id": 7,
        "reporter": {"name": "王"},
        "notes": ["call 138****5678"],
    }
    text = str(event)
    assert PHONE not in text and "13912345678" not in text and "19800101" not in text
    assert "139****5678" in event["title"]
    # the inbox keeps the recipient's own text as it was written
    assert "13912345678" in Notification.objects.get().title


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "Appeal Dispatched"},
        {"title": "  "},
        {"link": "https://evil.example/"},
        {"link": "//evil.example/"},
        {"channels": ("sms", "fax")},
        {"channels": ("webhook",)},
    ],
)
def test_programming_errors_are_refused(resident, bad):
    arguments = {"recipients": [resident], "kind": "appeal.x", "title": "t", "body": "b", **bad}
    with pytest.raises(ValueError):
        services.notify(**arguments)
    assert not Notification.objects.exists()


def test_channels_may_be_a_single_string(resident):
    services.notify(recipients=[resident], kind="a.b", title="t", body="", channels="email")
    assert Delivery.objects.get().channel == "email"


def test_mark_read_and_mark_all_read(resident, make_resident):
    other = make_resident()
    first, second = (
        services.notify(recipients=[resident], kind="a.b", title=t, body="", channels=())[0]
        for t in ("one", "two")
    )
    theirs = services.notify(recipients=[other], kind="a.b", title="x", body="", channels=())[0]
    assert selectors.unread_count(user=resident) == 2
    read = services.notification_mark_read(user=resident, notification=first)
    assert read.read_at is not None
    again = services.notification_mark_read(user=resident, notification=first)
    assert again.read_at == read.read_at  # idempotent
    assert [n.title for n in selectors.inbox_for(user=resident)] == ["two", "one"]
    assert [n.title for n in selectors.inbox_for(user=resident, unread_only=True)] == ["two"]
    assert services.notification_mark_all_read(user=resident) == 1
    assert selectors.unread_count(user=resident) == 0
    assert selectors.unread_count(user=other) == 1
    second.refresh_from_db()
    theirs.refresh_from_db()
    assert second.read_at is not None and theirs.read_at is None


def test_inbox_lists_unread_first_then_newest(resident):
    titles = ["old", "middle", "new"]
    made = [
        services.notify(recipients=[resident], kind="a.b", title=t, body="", channels=())[0]
        for t in titles
    ]
    services.notification_mark_read(user=resident, notification=made[2])
    assert [n.title for n in selectors.inbox_for(user=resident)] == ["middle", "old", "new"]
