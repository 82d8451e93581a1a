"""Retention: each rule removes what is past its time and nothing younger; a deployment
may change the days; the purge is periodic and recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings

from jiaoliuba.appeals.models import Appeal
from jiaoliuba.appeals.services.intake import Intake, appeal_submit
from jiaoliuba.core import clock
from jiaoliuba.core.models import SensitiveAccessLog, SmsOutbox
from jiaoliuba.privacy import registry, tasks
from jiaoliuba.privacy.choices import RequestKind
from jiaoliuba.privacy.models import PrivacyRequest
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db


def aged(model, days: float, **fields):
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(created_at=clock.now() - dt.timedelta(days=days))
    return row


def test_every_rule_is_documented_and_periodic():
    kinds = [rule.kind for rule, _days in registry.retention_rules()]
    assert len(kinds) == len(set(kinds))
    assert {"core.sms_outbox", "appeals.contact_numbers", "notifications.deliveries"} <= set(kinds)
    assert "jiaoliuba.privacy.tasks.retention_purge" in django_settings.PERIODIC_TASKS
    for rule, days in registry.retention_rules():
        assert days > 0 and str(rule.description)


def test_purge_removes_only_what_is_past_its_time(regions, settings):
    old = aged(SmsOutbox, 31, phone="13900000001", phone_hash="a", body="旧")
    young = aged(SmsOutbox, 29, phone="13900000002", phone_hash="b", body="新")
    old_log = aged(
        SensitiveAccessLog, 3 * 365 + 1, subject_type="x", subject_id="1", field="phone", reason="r"
    )
    young_log = aged(
        SensitiveAccessLog, 10, subject_type="x", subject_id="2", field="phone", reason="r"
    )
    appeals = []
    for content in ("路灯不亮了", "井盖松动"):
        appeal, _ = appeal_submit(
            submitter=None,
            intake=Intake(content=content, community=regions[JIEFANG], contact_phone="13512345678"),
        )
        appeals.append(appeal)
    Appeal.objects.filter(pk=appeals[0].pk).update(closed_at=clock.now() - dt.timedelta(days=731))
    Appeal.objects.filter(pk=appeals[1].pk).update(closed_at=clock.now() - dt.timedelta(days=700))

    counts = tasks.retention_purge.call()

    assert counts["core.sms_outbox"] == 1 and counts["core.sensitive_access_log"] == 1
    assert list(SmsOutbox.objects.values_list("pk", flat=True)) == [young.pk]
    assert not SmsOutbox.objects.filter(pk=old.pk).exists()
    assert set(SensitiveAccessLog.objects.values_list("pk", flat=True)) == {young_log.pk}
    assert not SensitiveAccessLog.objects.filter(pk=old_log.pk).exists()
    assert Appeal.objects.get(pk=appeals[0].pk).contact_phone == ""
    assert Appeal.objects.get(pk=appeals[1].pk).contact_phone == "13512345678"
    assert PrivacyRequest.objects.get(kind=RequestKind.RETENTION).counts == counts

    # A deployment keeping the outbox only a week: the 29-day message goes too.
    settings.RETENTION_DAYS = {"core.sms_outbox": 7}
    assert tasks.retention_purge.call()["core.sms_outbox"] == 1
    assert not SmsOutbox.objects.exists()
