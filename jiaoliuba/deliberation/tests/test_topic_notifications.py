"""Deliberation notifications leave the inbox as the appeal loop's do: through
notifications.notify, on commit, by SMS (the gateway's outbox in tests), e-mail to a real
SMTP server and signed webhooks to a real HTTP server, each person's channel choice
respected, and the deliver task actually run."""

import pytest

from jiaoliuba.core.errors import Conflict
from jiaoliuba.core.selectors import sms_outbox_for_phone
from jiaoliuba.deliberation import services
from jiaoliuba.notifications.models import Delivery, WebhookEndpoint
from jiaoliuba.notifications.services import channel_preference_set
from jiaoliuba.notifications.tasks import deliver
from jiaoliuba.notifications.tests.conftest import smtp_server, webhook_receiver  # noqa: F401
from jiaoliuba.testing.fixtures import JIEFANG_G1

pytestmark = pytest.mark.django_db
SECRET = "deliberation-hook-secret"


def sms_to(user):
    return [m.body for m in sms_outbox_for_phone(phone_hash=user.phone_hash)]


def test_an_official_answer_reaches_followers_by_each_channel_they_keep(
    regions,
    make_resident,
    staff,
    smtp_server,  # noqa: F811
    webhook_receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    proposer = make_resident(JIEFANG_G1, name="张秀兰", phone="13877770001")
    proposer.email = "zhang@example.com"
    proposer.save(update_fields=["email"])
    quiet = make_resident(JIEFANG_G1, name="李四", phone="13877770002")
    quiet.email = "li@example.com"
    quiet.save(update_fields=["email"])
    channel_preference_set(user=quiet, sms=False, email=True)
    receiver = webhook_receiver(SECRET)
    WebhookEndpoint.objects.create(
        name="城市运行中心", url=receiver.url, secret=SECRET, kinds="deliberation"
    )
    topic = services.topic_propose(
        actor=proposer, title="小区停车难", body="晚上车位不够", scope=regions[JIEFANG_G1]
    )
    services.topic_follow(topic=topic, actor=quiet)
    topic = services.topic_put_on_agenda(topic=topic, actor=staff)
    topic = services.topic_start_discussion(topic=topic, actor=staff)
    Delivery.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.topic_comment(
            topic=topic, actor=staff, body="夜间可错峰停在学校操场。", official=True
        )
    assert callbacks, "deliveries are enqueued on commit"
    sent = {(d.channel, d.target) for d in Delivery.objects.all()}
    assert ("sms", proposer.phone) in sent and ("email", "zhang@example.com") in sent
    assert ("email", "li@example.com") in sent
    assert not any(c == "sms" and t == quiet.phone for c, t in sent), "李四 switched SMS off"
    assert ("webhook", receiver.url) in sent

    for delivery in Delivery.objects.all():
        assert deliver.call(delivery.pk) == "sent"
    assert any("小区停车难" in body for body in sms_to(proposer))
    assert sms_to(quiet) == []
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "li@example.com",
        "zhang@example.com",
    ]
    [hook] = receiver.requests
    assert hook.signature_ok and hook.headers["X-Jiaoliuba-Event"] == "deliberation.answer"
    assert b"13877770001" not in hook.body


def test_a_rolled_back_change_sends_nothing(regions, make_resident, staff):
    proposer = make_resident(JIEFANG_G1, phone="13877770003")
    topic = services.topic_propose(
        actor=proposer, title="宠物扰民", body="夜里狗叫", scope=regions[JIEFANG_G1]
    )
    Delivery.objects.all().delete()
    services.topic_put_on_agenda(topic=topic, actor=staff)
    with pytest.raises(Conflict):  # the stage moved on
        services.topic_put_on_agenda(topic=topic, actor=staff)
    # The agenda change told the proposer; the refused second one added nothing.
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]
