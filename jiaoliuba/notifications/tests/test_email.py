"""E-mail through Django's SMTP backend to a real SMTP server (aiosmtpd) on localhost."""

import email
from email.header import decode_header, make_header
from email.policy import compat32

import pytest

from jiaoliuba.notifications import services
from jiaoliuba.notifications.models import Delivery
from jiaoliuba.notifications.tasks import deliver

pytestmark = pytest.mark.django_db


def test_mail_arrives_with_chinese_intact(smtp_server, make_resident, settings):
    settings.SITE_URL = "https://jlb.example.gov.cn"
    settings.DEFAULT_FROM_EMAIL = "交流吧 <noreply@jlb.example.gov.cn>"
    user = make_resident(name="王阿姨")
    user.email = "wang@example.com"
    user.save(update_fields=["email"])
    services.notify(
        recipients=[user],
        kind="appeal.resolved",
        title="您的诉求已办结：小区东门路灯已修复",
        body="感谢您的反馈。请为本次办理评价（满意／基本满意／不满意）。",
        link="/appeals/12/",
        channels=("email",),
    )
    delivery = Delivery.objects.get()
    assert delivery.masked_target == "w***@example.com"

    assert deliver.call(delivery.pk) == "sent"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")
    assert delivery.sent_at is not None
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["wang@example.com"]
    [message] = smtp_server.messages
    # Django folds the encoded subject onto a continuation line; decoded as a mail client
    # does, every character arrives.
    raw_subject = email.message_from_bytes(envelope.original_content, policy=compat32)["Subject"]
    assert str(make_header(decode_header(raw_subject))) == "您的诉求已办结：小区东门路灯已修复"
    assert message["Subject"].strip() == "您的诉求已办结：小区东门路灯已修复"
    assert message["To"] == "wang@example.com"
    assert "交流吧" in message["From"]
    body = message.get_content()
    assert "感谢您的反馈。请为本次办理评价（满意／基本满意／不满意）。" in body
    assert "https://jlb.example.gov.cn/appeals/12/" in body


def test_unreachable_smtp_server_is_retried(make_resident, settings, frozen_clock, queued):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    user = make_resident()
    user.email = "x@example.com"
    user.save(update_fields=["email"])
    services.notify(recipients=[user], kind="a.b", title="t", body="b", channels=("email",))
    delivery = Delivery.objects.get()

    assert deliver.call(delivery.pk) == "retry"

    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert delivery.last_error
    assert queued() == [(delivery.pk, delivery.next_attempt_at)]
