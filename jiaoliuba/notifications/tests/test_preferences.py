"""A person's channel choice: notify leaves out what they switched off (the inbox stays),
set through the API and the inbox page."""

import json

import pytest

from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


def test_switched_off_channels_are_left_out_and_the_inbox_stays(make_resident):
    keeps, quiet = make_resident(), make_resident()
    for user in (keeps, quiet):
        user.email = f"u{user.pk}@example.com"
        user.save(update_fields=["email"])
    services.channel_preference_set(user=quiet, sms=False, email=False)
    services.notify(
        recipients=[keeps, quiet], kind="a.b", title="标题", body="正文", channels=("sms", "email")
    )
    assert Notification.objects.filter(recipient=quiet).count() == 1
    got = sorted(Delivery.objects.values_list("notification__recipient", "channel"))
    assert got == [(keeps.pk, "email"), (keeps.pk, "sms")]


def test_the_choice_through_the_api_and_the_inbox_page(make_resident, api_client, login_client):
    user = make_resident()
    client = api_client(user)
    assert client.get("/api/v1/notifications/channels").json() == {"sms": True, "email": True}
    answer = client.put(
        "/api/v1/notifications/channels",
        data=json.dumps({"sms": False, "email": True}),
        content_type="application/json",
    )
    assert answer.json() == {"sms": False, "email": True}
    page = login_client(user)
    assert 'id="channel-sms"' in page.get("/inbox/").content.decode()
    assert page.post("/inbox/channels/", {"sms": "1"}).status_code == 302
    assert client.get("/api/v1/notifications/channels").json() == {"sms": True, "email": False}
