"""The intake answers a new appeal through core.answers, not through Ninja's validation
of its output: the bytes must be Ninja's own for every shape an appeal's answer takes."""

import datetime as dt

import pytest
from django.test import RequestFactory
from ninja import Schema, Status
from pydantic import field_validator

from jiaoliuba.api.api import api
from jiaoliuba.appeals.api.routes import router
from jiaoliuba.appeals.api.schemas import AppealOut
from jiaoliuba.appeals.presenters import appeal_dict
from jiaoliuba.core import answers

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=dt.UTC)


def _ninja(request, data):
    # The operation as the mounted API runs it (Ninja binds a copy of each router).
    (bound,) = [b for b in api._get_bound_routers() if b.template is router]
    operation = next(
        op for op in bound.path_operations["/appeals"].operations if "POST" in op.methods
    )
    temporal = api.create_temporal_response(request)
    return operation._result_to_response(request, Status(201, data), temporal)


def _variants(base):
    yield base
    yield base | {"grid": None, "merged_into": "20261203000001", "handled_by": "东风街道"}
    yield base | {
        "rating": {"level": "satisfied", "solved": True, "comment": "好", "extra": 1},
        "attachments": [
            {"id": 1, "kind": "photo", "content_type": "image/jpeg", "size": 10, "url": "/a"},
            {"id": 2, "kind": "voice", "content_type": "audio/mp4", "size": 0, "url": "/b"},
        ],
    }
    yield base | {
        "first_response_at": AT,
        "resolved_at": AT.replace(microsecond=0),
        "closed_at": AT + dt.timedelta(days=1),
        "triage_confidence": 1,
        "triage_reasons": ["rule:噪音", "model:yellow:0.81"],
        "assignee_id": None,
        "not_in_the_schema": "dropped",
        "actions": ["accept"],
    }
    yield {k: v for k, v in base.items() if k not in ("submitter", "return_count")}


@pytest.mark.parametrize("staff_view", [True, False])
def test_the_answer_is_ninjas_own_bytes(submit, staff, staff_view):
    appeal = submit("楼道里有人给电动车充电，电线拖在地上", address="3号楼2单元")
    request = RequestFactory().post("/api/v1/appeals")
    for data in _variants(appeal_dict(appeal, staff_view=staff_view)):
        ours = answers.answer(request, AppealOut, dict(data), status=201)
        theirs = _ninja(request, dict(data))
        assert ours.status_code == theirs.status_code == 201
        assert ours["Content-Type"] == theirs["Content-Type"]
        assert ours.content == theirs.content


class Loose(Schema):
    value: int | str


class Checked(Schema):
    value: int

    @field_validator("value")
    @classmethod
    def positive(cls, v):
        return abs(v)


def test_a_schema_that_needs_validation_is_refused():
    for schema in (Loose, Checked):
        with pytest.raises(TypeError):
            answers.plan(schema)
