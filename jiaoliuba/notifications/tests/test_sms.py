"""SMS through the sign-in gateway; in tests that is the outbox backend (core.SmsOutbox)."""

import pytest

from jiaoliuba.core import crypto
from jiaoliuba.core.selectors import sms_outbox_for_phone
from jiaoliuba.core.sms import OutboxBackend, SmsDeliveryError
from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery
from jiaoliuba.notifications.tasks import deliver

pytestmark = pytest.mark.django_db
PHONE = "13912340000"


def outbox():
    return sms_outbox_for_phone(phone_hash=crypto.lookup_hash(PHONE, purpose="phone"))


def test_sms_goes_through_the_gateway(make_resident, settings):
    settings.SMS_SIGNATURE = "【交流吧】"
    user = make_resident(phone=PHONE)
    services.notify(
        recipients=[user],
        kind="appeal.accepted",
        title="诉求已签收",
        body="网格员张三已签收您的诉求。",
        link="/appeals/3/",
    )
    delivery = Delivery.objects.get()
    assert delivery.channel == "sms" and delivery.masked_target == "139****0000"

    assert deliver.call(delivery.pk) == "sent"

    [message] = outbox()
    assert message.body == "【交流吧】诉求已签收：网格员张三已签收您的诉求。"
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    # idempotent: running the task again sends nothing more
    assert deliver.call(delivery.pk) == "skipped"
    assert len(outbox()) == 1


def test_long_sms_is_shortened(make_resident):
    user = make_resident(phone=PHONE)
    services.notify(recipients=[user], kind="a.b", title="标题", body="很长" * 400)
    deliver.call(Delivery.objects.get().pk)
    assert len(outbox()[0].body) <= 300


def test_gateway_failure_is_recorded_and_retried(make_resident, monkeypatch, frozen_clock, queued):
    def refuse(self, *, phone, message):
        raise SmsDeliveryError("gateway answered 503")

    monkeypatch.setattr(OutboxBackend, "send", refuse)
    services.notify(recipients=[make_resident(phone=PHONE)], kind="a.b", title="t", body="b")
    delivery = Delivery.objects.get()
    assert deliver.call(delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "gateway answered 503"
    assert PHONE not in delivery.last_error
    assert len(queued()) == 1
