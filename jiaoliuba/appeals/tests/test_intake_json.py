"""An appeal sent as JSON: the same fields as the form, one appeal made; a body of
another type, broken JSON or a field that is not text is refused with a clear message
and changes nothing (core/form_body.py)."""

import json

import pytest

from jiaoliuba.appeals.models import Appeal
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1

pytestmark = pytest.mark.django_db
URL = "/api/v1/appeals"
TEXT = "小区3号楼电梯坏了三天了，老人上下楼很困难。"


def post_json(client, body, **headers):
    raw = body if isinstance(body, bytes | str) else json.dumps(body, ensure_ascii=False)
    return client.post(URL, raw, content_type="application/json", **headers)


def test_a_json_appeal_is_taken_in_like_the_form(api_client, resident):
    client = api_client(resident)
    response = post_json(
        client,
        {"content": TEXT, "community": JIEFANG, "address": "3号楼", "is_anonymous": False},
        HTTP_IDEMPOTENCY_KEY="json-1",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content"] == TEXT and body["grid"]["code"] == JIEFANG_G1
    appeal = Appeal.objects.get()
    assert appeal.address == "3号楼" and not appeal.is_anonymous
    assert appeal.submitter_id == resident.pk
    replay = post_json(
        client, {"content": TEXT, "community": JIEFANG}, HTTP_IDEMPOTENCY_KEY="json-1"
    )
    assert replay.status_code == 200 and replay.json()["id"] == body["id"]
    assert Appeal.objects.count() == 1


def test_true_and_numbers_read_as_the_form_would(api_client, resident):
    response = post_json(
        api_client(resident),
        {"content": TEXT, "is_anonymous": True, "latitude": 32.98, "longitude": 114.02},
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert appeal.is_anonymous
    assert (float(appeal.latitude), float(appeal.longitude)) == (32.98, 114.02)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
        ('["a list"]', 400, "invalid_json"),
        ({"content": ["not", "text"]}, 400, "invalid_field"),
        ({"content": {"nested": 1}}, 400, "invalid_field"),
        ({"content": ""}, 400, "content_required"),
        ({}, 400, "content_required"),
    ],
)
def test_bad_json_is_refused_and_changes_nothing(api_client, resident, raw, status, code):
    response = post_json(api_client(resident), raw)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message_zh"] and body["message_en"] and body["message_zh"] != body["message_en"]
    assert not Appeal.objects.exists()


def test_another_body_type_is_a_415_that_says_what_to_send(api_client, resident):
    response = api_client(resident).post(URL, TEXT, content_type="text/plain")
    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "unsupported_media_type"
    assert "JSON" in body["message_en"] and "multipart/form-data" in body["message_en"]
    assert not Appeal.objects.exists()


def test_the_form_still_works(api_client, resident):
    response = api_client(resident).post(URL, {"content": TEXT})
    assert response.status_code == 201, response.content


def test_the_staff_desk_reads_json_too(api_client, staff):
    response = api_client(staff["community"]).post(
        f"{URL}/desk",
        json.dumps(
            {
                "content": "电话来访：反映楼道堆放杂物",
                "community": JIEFANG,
                "channel": "phone",
                "resident_phone": "13911113333",
                "resident_name": "王阿姨",
            },
            ensure_ascii=False,
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert appeal.channel == "phone" and appeal.created_by == staff["community"]
