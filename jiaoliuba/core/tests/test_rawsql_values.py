"""`rawsql.Inserter.prepared` shortens Django's value conversions for plain fields; for
every model written by hand, and for values of the stored type, of other types, None
and naive datetimes, it must give what `get_db_prep_save(pre_save(obj))` gives."""

import datetime as dt
import uuid
import warnings
from decimal import Decimal

import pytest
from django.db import connection
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from jiaoliuba.appeals.choices import EventKind, Status
from jiaoliuba.appeals.models import Appeal, AppealEvent, IdempotencyRecord
from jiaoliuba.core import rawsql
from jiaoliuba.core.fields import EncryptedTextField
from jiaoliuba.testing.fixtures import JIEFANG

pytestmark = pytest.mark.django_db

AWARE = dt.datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
SHANGHAI = dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NAIVE = dt.datetime(2026, 12, 2, 9, 30, 15)


def _chain(inserter, obj):
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in inserter.fields]


def _readable(inserter, values):
    # Encrypted text takes a fresh nonce each time: compare what it decrypts to;
    # auto_now_add takes the moment of the call: compare its type.
    return [
        f.from_db_value(v, None, connection)
        if isinstance(f, EncryptedTextField)
        else type(v)
        if getattr(f, "auto_now_add", False)
        else (type(v), v.obj)  # psycopg's Jsonb wraps without comparing
        if type(v).__name__ == "Jsonb"
        else v
        for f, v in zip(inserter.fields, values, strict=True)
    ]


def _same(model, **values):
    inserter = rawsql.Inserter(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # naive datetimes warn, both ways
        expected = _chain(inserter, model(**values))
        got = inserter.prepared(model(**values))
    assert _readable(inserter, got) == _readable(inserter, expected)
    assert [type(v) for v in got] == [type(v) for v in expected]
    return got


def _appeal_values(regions, resident):
    return {
        "submitter_id": resident.pk,
        "community": regions[JIEFANG],
        "content": "楼道里有人给电动车充电",
        "status": Status.SUBMITTED,
        "is_anonymous": False,
        "received_at": AWARE,
        "response_due_at": AWARE + dt.timedelta(hours=24),
        "resolution_due_at": AWARE + dt.timedelta(days=5),
        "resolution_due_original_at": AWARE + dt.timedelta(days=5),
        "current_due_at": AWARE + dt.timedelta(hours=24),
        "latitude": Decimal("33.0111"),
        "longitude": Decimal("114.0222"),
        "triage_reasons": ["rule:消防", 0.5],
        "contact_phone": "13800000009",
        "tracking_code": "T0001",
    }


def test_plain_values_convert_as_django_does(regions, make_resident):
    resident = make_resident()
    _same(Appeal, **_appeal_values(regions, resident))


@pytest.mark.parametrize(
    "odd",
    [
        {"content": gettext_lazy("Anonymous resident")},  # a lazy string
        {"number": 20261204000001},  # an int in a text field
        {"is_anonymous": 1},  # 1 for True
        {"submitter_id": str(1)},  # a key as text
        {"received_at": NAIVE},
        {"received_at": SHANGHAI},
        {"received_at": None, "response_due_at": None},
        {"return_count": True},  # a bool is an int subclass, not an int
        {"reopen_count": "2"},
    ],
)
def test_other_values_take_djangos_own_chain(regions, make_resident, odd):
    resident = make_resident()
    values = _appeal_values(regions, resident) | odd
    if "submitter_id" in odd:
        values["submitter_id"] = str(resident.pk)
    _same(Appeal, **values)


def test_events_keys_and_task_rows_convert_as_django_does(regions, make_resident):
    resident = make_resident()
    appeal = Appeal(**_appeal_values(regions, resident))
    appeal.save(force_insert=True)
    _same(
        AppealEvent,
        appeal=appeal,
        kind=EventKind.SUBMITTED,
        actor=resident,
        to_status=Status.SUBMITTED,
        visible_to_resident=True,
        data={"channel": "online", "n": [1, 2.5, None]},
        created_at=AWARE,
    )
    _same(AppealEvent, appeal=appeal, kind=EventKind.TRIAGED, actor=None, created_at=NAIVE)
    _same(IdempotencyRecord, owner="7", key="k-1", appeal=appeal)
    _same(
        DBTaskResult,
        id=uuid.UUID(int=7),
        task_path="jiaoliuba.appeals.tasks.intake_follow_up",
        args_kwargs={},
    )
