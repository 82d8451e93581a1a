"""Attachments on S3-compatible storage (django-storages), against moto's S3 server running
as a real process: the bytes go over HTTP to the bucket and come back through the app, which
still checks who may read them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from config.settings.base import s3_storage
from jiaoliuba.appeals.models import Attachment
from jiaoliuba.testing.fixtures import JIEFANG
from jiaoliuba.testing.stack import ProcessGroup, bucket_keys, s3_client, start_moto

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(tmp_path, settings):
    group = ProcessGroup(tmp_path)
    try:
        env = start_moto(group)
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage(env)}
        yield env
    finally:
        group.stop_all()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_attachment_goes_to_the_bucket_and_only_its_reader_gets_it_back(
    s3, api_client, make_resident, settings
):
    owner = make_resident(name="业主")
    neighbour = make_resident(name="邻居")
    response = api_client(owner).post(
        "/api/v1/appeals",
        {
            "content": "楼道灯坏了一个星期，晚上看不见台阶",
            "community": JIEFANG,
            "photos": [SimpleUploadedFile("p.png", _png(), content_type="image/png")],
        },
    )
    assert response.status_code == 201, response.content
    appeal = response.json()
    url = f"/api/v1/appeals/{appeal['id']}/attachments/{appeal['attachments'][0]['id']}"

    attachment = Attachment.objects.get(pk=appeal["attachments"][0]["id"])
    assert bucket_keys(s3) == [attachment.file.name]
    stored = s3_client(s3).get_object(Bucket=s3["S3_BUCKET"], Key=attachment.file.name)
    stored_bytes = stored["Body"].read()
    assert stored_bytes.startswith(b"\x89PNG") and len(stored_bytes) == attachment.size
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()

    got = api_client(owner).get(url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == stored_bytes
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["Cache-Control"] == "private, max-age=3600"

    assert api_client(neighbour).get(url).status_code == 404
