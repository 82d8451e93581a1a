import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiaoliuba.accounts.choices import Role
from jiaoliuba.accounts.selectors import user_by_phone
from jiaoliuba.appeals.models import Appeal, Attachment
from jiaoliuba.appeals.services import intake as appeal_services
from jiaoliuba.core.models import SensitiveAccessLog
from jiaoliuba.testing.fixtures import JIEFANG, JIEFANG_G1, JIEFANG_G2, XIPING_COMMUNITY

pytestmark = pytest.mark.django_db
URL = "/api/v1/appeals"
TEXT = "楼上邻居每晚11点还在跳绳，严重影响休息"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (32.0, 58.0, 0.0), 3: "E", 4: (114.0, 1.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert 0x8825 in Image.open(io.BytesIO(data)).getexif()
    return data


def post(client, data=None, files=None, **headers):
    payload = {"content": TEXT, "community": JIEFANG, **(data or {})}
    payload.update(files or {})
    return client.post(URL, payload, **headers)


def test_resident_files_with_photo_and_metadata_is_stripped(api_client, resident, staff):
    client = api_client(resident)
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = post(client, files={"photos": [photo]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] and body["status"] == "dispatched"
    assert body["grid"]["code"] == JIEFANG_G1  # the resident's own grid by default
    stored = Attachment.objects.get()
    with stored.file.open("rb") as handle:
        exif = Image.open(handle).getexif()
    assert 0x8825 not in exif and 0x010F not in exif
    # the file is served only to people who may see the appeal
    assert (
        client.get(
            body["attachments"][0]["url"].replace("/appeals/", "/api/v1/appeals/")
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"content": ""}, "content_required"),
        ({"content": "字" * 2001}, "content_too_long"),
        ({"type_hint": "weather"}, "invalid_category"),
        ({"contact_phone": "12345"}, "invalid_phone"),
        ({"community": "999999999999"}, "invalid_community"),
        ({"grid": JIEFANG_G2 + "9"}, "invalid_grid"),
        ({"latitude": "abc"}, "invalid_location"),
        # These parse as Decimals; NaN then failed the range check with an error (a 500).
        ({"latitude": "NaN", "longitude": "114.02"}, "invalid_location"),
        ({"longitude": "sNaN"}, "invalid_location"),
        ({"latitude": "Infinity"}, "invalid_location"),
        ({"latitude": "91"}, "invalid_location"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_stores_nothing(api_client, resident, staff, data, code):
    response = post(api_client(resident), data)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["message_zh"]
    assert not Appeal.objects.exists()


def test_file_that_lies_about_its_type_is_refused(api_client, resident, staff):
    fake = SimpleUploadedFile(
        "photo.jpg", b"#!/bin/sh\necho not an image\n" * 10, content_type="image/jpeg"
    )
    response = post(api_client(resident), files={"photos": [fake]})
    assert response.status_code == 400 and response.json()["code"] == "invalid_file_type"
    video_as_voice = SimpleUploadedFile("v.mp3", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    response = post(api_client(resident), files={"voice": [video_as_voice]})
    assert response.json()["code"] == "invalid_file_type"
    assert not Appeal.objects.exists() and not Attachment.objects.exists()


def test_oversize_and_too_many_files(api_client, resident, staff, settings):
    settings.APPEAL_MAX_IMAGE_BYTES = 1000
    big = SimpleUploadedFile("big.jpg", jpeg_with_gps() + b"\x00" * 2000)
    response = post(api_client(resident), files={"photos": [big]})
    assert response.json()["code"] == "file_too_large"
    settings.APPEAL_MAX_IMAGE_BYTES = 10 * 1024 * 1024
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps()) for i in range(10)]
    response = post(api_client(resident), files={"photos": photos})
    assert response.json()["code"] == "too_many_files"
    assert not Appeal.objects.exists()


def test_idempotency_key_never_creates_a_second_appeal(api_client, resident, staff):
    client = api_client(resident)
    first = post(client, HTTP_IDEMPOTENCY_KEY="abc-123")
    again = post(client, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Appeal.objects.count() == 1
    assert post(client, HTTP_IDEMPOTENCY_KEY="other").status_code == 201
    assert Appeal.objects.count() == 2


def test_a_key_longer_than_kept_is_refused_not_cut(api_client, resident, staff):
    """Two keys sharing their first 100 characters were one key once cut."""
    client = api_client(resident)
    long_key = "k" * 100
    assert post(client, HTTP_IDEMPOTENCY_KEY=long_key).status_code == 201
    refused = post(client, {"content": "另一件事：路灯坏了"}, HTTP_IDEMPOTENCY_KEY=long_key + "2")
    assert refused.status_code == 400
    assert refused.json()["code"] == "idempotency_key_too_long"
    assert "100" in refused.json()["message_en"]
    assert Appeal.objects.count() == 1


def test_a_key_sent_again_with_another_text_is_a_409_not_the_first_appeal(
    api_client, resident, staff
):
    """Answering 200 with the first appeal would drop the second text without a word."""
    client = api_client(resident)
    assert post(client, HTTP_IDEMPOTENCY_KEY="same-key").status_code == 201
    other = post(client, {"content": "小区门口的路灯坏了一个星期"}, HTTP_IDEMPOTENCY_KEY="same-key")
    assert other.status_code == 409, other.content
    assert other.json()["code"] == "idempotency_key_reused"
    assert Appeal.objects.count() == 1
    assert not Appeal.objects.filter(content__contains="路灯").exists()
    # the same text again is still the retry it looks like
    assert post(client, HTTP_IDEMPOTENCY_KEY="same-key").status_code == 200


def test_anonymous_appeal_hides_the_resident_from_handlers(
    api_client, resident, staff, make_staff, login_client
):
    response = post(api_client(resident), {"is_anonymous": "1"})
    appeal_id = response.json()["id"]
    handler = api_client(staff["grid1"])
    body = handler.get(f"{URL}/{appeal_id}").json()
    assert body["submitter"] != "张秀兰" and body["contact_phone_masked"] == ""
    page = login_client(staff["grid1"]).get(f"/appeals/{appeal_id}/").content.decode()
    assert "张秀兰" not in page and "13800000001" not in page and "138****0001" not in page
    # the resident still sees it as theirs
    assert api_client(resident).get(f"{URL}/{appeal_id}").status_code == 200
    # revealing needs an explicit permission and a reason, and is logged
    assert (
        handler.post(
            f"{URL}/{appeal_id}/reveal-submitter",
            {"reason": "涉及安全需联系"},
            content_type="application/json",
        ).status_code
        == 403
    )

    staff["secretary"].user_permissions.add(
        Permission.objects.get(codename="reveal_anonymous_submitter")
    )
    secretary = api_client(staff["secretary"])
    revealed = secretary.post(
        f"{URL}/{appeal_id}/reveal-submitter",
        {"reason": "涉及安全需联系"},
        content_type="application/json",
    )
    assert revealed.json() == {"name": "张秀兰", "phone": "13800000001"}
    assert (
        SensitiveAccessLog.objects.filter(field="submitter", subject_id=str(appeal_id)).count() == 1
    )


def test_appeals_are_scoped_like_everything_else(
    api_client, resident, staff, make_resident, make_staff, submit
):
    ours = submit()
    theirs = submit(
        "西平这边路灯坏了",
        user=make_resident(XIPING_COMMUNITY + "001"),
        grid=XIPING_COMMUNITY + "001",
    )
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps())
    with_file = post(api_client(resident), files={"photos": [photo]}).json()
    far = api_client(make_staff(Role.COMMUNITY_STAFF, XIPING_COMMUNITY))
    assert far.get(f"{URL}/{ours.pk}").status_code == 404
    assert far.get(f"{URL}/{theirs.pk}").status_code == 200
    assert (
        far.get(
            f"/api/v1/appeals/{with_file['id']}/attachments/{with_file['attachments'][0]['id']}"
        ).status_code
        == 404
    )
    assert far.post(f"{URL}/{ours.pk}/accept").status_code == 404
    other_resident = api_client(make_resident(JIEFANG_G1))
    assert other_resident.get(f"{URL}/{ours.pk}").status_code == 404
    assert {a["id"] for a in api_client(staff["grid1"]).get(URL).json()} >= {ours.pk}
    assert theirs.pk not in {a["id"] for a in api_client(staff["grid1"]).get(URL).json()}


def test_staff_desk_entry_with_past_time_registers_the_resident(api_client, staff):
    client = api_client(staff["community"])
    response = client.post(
        f"{URL}/desk",
        {
            "content": "窗口来访：反映小区电梯经常停运",
            "community": JIEFANG,
            "channel": "window",
            "received_at": "2026-11-27 09:30",
            "resident_phone": "13911112222",
            "resident_name": "李大爷",
        },
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert appeal.channel == "window" and appeal.created_by == staff["community"]
    assert appeal.received_at.isoformat() == "2026-11-27T01:30:00+00:00"
    assert appeal.submitter == user_by_phone(phone="13911112222")
    bad = client.post(f"{URL}/desk", {"content": "x", "community": JIEFANG, "channel": "online"})
    assert bad.status_code == 400
    # shaped like a time but no such day: Django's parser raised (a 500)
    for slip in ("2026-02-30 09:30", "2026-11-27 25:00"):
        bad = client.post(
            f"{URL}/desk",
            {"content": "窗口来访", "community": JIEFANG, "channel": "window", "received_at": slip},
        )
        assert bad.status_code == 400 and bad.json()["code"] == "invalid_received_at", slip
    assert Appeal.objects.count() == 1


def test_resident_page_submit_keeps_text_on_error_and_creates_once(login_client, resident, staff):
    client = login_client(resident)
    response = client.post(
        "/appeals/new/",
        {"content": "", "community": JIEFANG, "address": "3号楼东门", "idempotency_key": "k1"},
    )
    assert response.status_code == 400
    assert "3号楼东门" in response.content.decode()
    ok = client.post(
        "/appeals/new/", {"content": TEXT, "community": JIEFANG, "idempotency_key": "k2"}
    )
    again = client.post(
        "/appeals/new/", {"content": TEXT, "community": JIEFANG, "idempotency_key": "k2"}
    )
    assert ok.status_code == again.status_code == 302 and ok["Location"] == again["Location"]
    assert Appeal.objects.count() == 1
    detail = client.get(ok["Location"]).content.decode()
    assert TEXT in detail


def test_a_failed_intake_leaves_no_file_behind(
    api_client, resident, staff, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    def boom(*events):
        raise RuntimeError("the events could not be written")

    # The last step of the transaction, after the files are stored.
    monkeypatch.setattr(appeal_services._EVENTS, "insert", boom)
    client = api_client(resident)
    client.raise_request_exception = False
    photo = SimpleUploadedFile("p.jpg", jpeg_with_gps())
    response = post(client, files={"photos": [photo]})
    assert response.status_code == 500
    assert not Appeal.objects.exists() and not Attachment.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
