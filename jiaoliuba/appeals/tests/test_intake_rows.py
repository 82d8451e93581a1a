"""The intake writes its rows by hand (core.rawsql.Inserter): what lands in the database
must be exactly what the ORM writes, byte for byte where the database compares text
(datetimes on SQLite)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from jiaoliuba.appeals.choices import EventKind, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent, IdempotencyRecord
from jiaoliuba.appeals.services import intake
from jiaoliuba.core import clock, rawsql
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


def _stored(model, pk, skip=()):
    """The row as the database holds it (no converters), without the columns in skip."""
    columns = [f.column for f in model._meta.concrete_fields if f.column not in skip]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _appeal(regions, resident, code):
    at = dt.datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
    return Appeal(
        submitter=resident,
        is_anonymous=False,
        consent_public=True,
        channel="online",
        type_hint="noise",
        content="楼上邻居每晚跳绳 'quoted' \"double\" ; --",
        address="3号楼2单元",
        latitude=Decimal("32.981234"),
        longitude=Decimal("114.012345"),
        contact_phone="13800000009",
        community=regions[JIEFANG],
        grid=regions[JIEFANG_G1],
        region_path=regions[JIEFANG_G1].path,
        priority="yellow",
        category="noise",
        triage_confidence=0.8125,
        triage_reasons=["rule:噪音:跳绳", "model:yellow:0.81"],
        triage_needs_review=True,
        status=Status.DISPATCHED,
        handling_region=regions[JIEFANG_G1],
        handling_role="grid_worker",
        routing_reason="规则；网格员",
        received_at=at,
        dispatched_at=at + dt.timedelta(seconds=1),
        response_due_at=at + dt.timedelta(hours=24),
        resolution_due_at=at + dt.timedelta(days=5),
        resolution_due_original_at=at + dt.timedelta(days=5),
        current_due_at=at + dt.timedelta(hours=24),
        next_check_at=at + dt.timedelta(hours=20),
        tracking_code=code,
    )


def test_an_appeal_written_by_hand_equals_one_the_orm_writes(regions, resident):
    by_orm = _appeal(regions, resident, "ORM0000001")
    by_orm.save(force_insert=True)
    by_hand = _appeal(regions, resident, "HAND000001")
    by_hand.pk = rawsql.next_id(Appeal)  # the intake reserves its key (keyed Inserter)
    intake._APPEALS.insert(by_hand)
    assert by_hand.pk and by_hand.pk != by_orm.pk and not by_hand._state.adding
    # created_at (auto_now_add) is set by both, a moment apart; the phone is encrypted
    # with a fresh nonce each time: both are compared below as the ORM reads them.
    skip = ("id", "tracking_code", "created_at", "contact_phone")
    assert _stored(Appeal, by_hand.pk, skip) == _stored(Appeal, by_orm.pk, skip)
    read = Appeal.objects.get(pk=by_hand.pk)
    assert read.contact_phone == "13800000009"
    assert abs(read.created_at - by_hand.created_at) < dt.timedelta(microseconds=1)
    assert read.created_at.tzinfo is not None
    assert read.triage_reasons == ["rule:噪音:跳绳", "model:yellow:0.81"]
    assert Appeal.objects.filter(received_at=by_orm.received_at).count() == 2


def test_events_and_the_key_written_by_hand_equal_the_orms(regions, resident):
    appeal = _appeal(regions, resident, "EVT0000001")
    appeal.save(force_insert=True)
    at = clock.now()

    def events():
        return [
            AppealEvent(
                appeal=appeal,
                kind=EventKind.SUBMITTED,
                actor=resident,
                to_status=Status.SUBMITTED,
                visible_to_resident=True,
                data={"channel": "online"},
                created_at=at,
            ),
            AppealEvent(
                appeal=appeal, kind=EventKind.TRIAGED, data={"reasons": ["甲", 1.5]}, created_at=at
            ),
        ]

    orm = AppealEvent.objects.bulk_create(events())
    hand = events()
    intake._EVENTS.insert(*hand)
    assert [e.pk for e in hand] == sorted(e.pk for e in hand) and hand[0].pk > orm[-1].pk
    for a, b in zip(orm, hand, strict=True):
        assert _stored(AppealEvent, b.pk, ("id",)) == _stored(AppealEvent, a.pk, ("id",))
    key = IdempotencyRecord(owner="7", key="k-1", appeal=appeal)
    intake._KEYS.insert(key)
    same = IdempotencyRecord.objects.get(pk=key.pk)
    assert (same.owner, same.key, same.appeal_id) == ("7", "k-1", appeal.pk)
    assert abs(same.created_at - key.created_at) < dt.timedelta(microseconds=1)


def test_the_inserter_refuses_what_it_cannot_write_like_the_orm(regions, resident):
    with pytest.raises(TypeError):
        rawsql.Inserter(DBTaskResult).insert(DBTaskResult())  # has a pre_save receiver
    unkeyed = _appeal(regions, resident, "KEY0000001")
    with pytest.raises(ValueError, match="needs the primary key"):
        intake._APPEALS.insert(unkeyed)  # keyed: the caller reserves the key
    with pytest.raises(TypeError, match="not an auto key"):
        rawsql.Inserter(DBTaskResult, keyed=True)  # a UUID key is the caller's anyway
    saved = _appeal(regions, resident, "DUP0000001")
    saved.pk = rawsql.next_id(Appeal)
    intake._APPEALS.insert(saved)
    with pytest.raises(ValueError, match="new rows only"):
        intake._APPEALS.insert(saved)  # a row already written
