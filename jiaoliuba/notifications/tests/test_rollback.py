"""Nothing is queued or sent when the caller's transaction rolls back."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from jiaoliuba.core.models import SmsOutbox
from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery, Notification, WebhookEndpoint


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rollback_enqueues_and_sends_nothing(make_resident):
    user = make_resident(phone="13800000001")
    user.email = "a@example.com"
    user.save(update_fields=["email"])
    WebhookEndpoint.objects.create(name="all", url="http://127.0.0.1:9/")
    with pytest.raises(Boom), transaction.atomic():
        services.notify(
            recipients=[user], kind="a.b", title="t", body="b", channels=("sms", "email")
        )
        assert Delivery.objects.count() == 3  # written inside the transaction…
        raise Boom
    # …and gone with it, with no task queued
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not SmsOutbox.objects.exists()

    # the same call committed queues one task per delivery
    with transaction.atomic():
        services.notify(
            recipients=[user], kind="a.b", title="t", body="b", channels=("sms", "email")
        )
        assert not DBTaskResult.objects.exists()  # not before the commit
    assert DBTaskResult.objects.count() == 3
    assert not SmsOutbox.objects.exists()  # sending is the worker's job
