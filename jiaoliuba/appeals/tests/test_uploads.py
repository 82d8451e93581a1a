"""Uploads: pixel bombs, bodies that never land in memory, metadata that does not
survive, containers checked beyond their first bytes, files served only as downloads."""

import io
import struct
import tracemalloc
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from PIL import Image, PngImagePlugin

from jiaoliuba.accounts.choices import Role
from jiaoliuba.appeals.models import Appeal, Attachment
from jiaoliuba.core.uploads import LimitedTemporaryFileUploadHandler
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG

pytestmark = pytest.mark.django_db
URL = "/api/v1/appeals"
TEXT = "小区东门路灯坏了一个星期，晚上很黑"


def post(client, files, url=URL):
    return client.post(url, {"content": TEXT, "community": JIEFANG, **files})


# --- crafted files -----------------------------------------------------------------


def gif_bomb(frames: int = 100, side: int = 2000) -> bytes:
    """The reported bomb: 100 frames of 2000×2000 in ~390 KB (400 megapixels to decode,
    ~0.4 s a frame here). One frame is encoded by Pillow, then repeated by hand."""
    buffer = io.BytesIO()
    Image.new("P", (side, side), 0).save(buffer, format="GIF")
    one = buffer.getvalue()
    descriptor = one.index(b"\x2c" + struct.pack("<HHHH", 0, 0, side, side))
    header, frame = one[:descriptor], one[descriptor:-1]  # without the trailer
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    delay = b"\x21\xf9\x04\x00\x05\x00\x00\x00"  # 50 ms
    return header + loop + (delay + frame) * frames + b"\x3b"


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(handler: bytes = b"vide", brand: bytes = b"isom") -> bytes:
    hdlr = box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 13)
    trak = box(
        b"trak", box(b"tkhd", b"\x00" * 84) + box(b"mdia", box(b"mdhd", b"\x00" * 24) + hdlr)
    )
    moov = box(b"moov", box(b"mvhd", b"\x00" * 100) + trak)
    return box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand) + moov + box(b"mdat", b"\x00" * 256)


def ebml(element: int, payload: bytes) -> bytes:
    ident = element.to_bytes((element.bit_length() + 7) // 8, "big")
    return ident + (0x0100000000000000 | len(payload)).to_bytes(8, "big") + payload


def webm(track_type: int) -> bytes:
    header = ebml(0x1A45DFA3, ebml(0x4282, b"webm"))
    tracks = ebml(0x1654AE6B, ebml(0xAE, ebml(0xD7, b"\x01") + ebml(0x83, bytes([track_type]))))
    cluster = ebml(0x1F43B675, ebml(0xE7, b"\x00") + ebml(0xA3, b"\x81\x00\x00\x80" + b"\x00" * 64))
    return header + ebml(
        0x18538067, ebml(0x1549A966, ebml(0x2AD7B1, b"\x0f\x42\x40")) + tracks + cluster
    )


def wav(frames: int = 800) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * frames)
    return buffer.getvalue()


def mp3(frames: int = 12) -> bytes:
    # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417-byte frames.
    return (
        b"ID3\x03\x00\x00\x00\x00\x00\x05TIT2\x00" + (b"\xff\xfb\x90\x00" + b"\x00" * 413) * frames
    )


def ogg_opus() -> bytes:
    packet = b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"
    page = b"OggS\x00\x02" + b"\x00" * 8 + b"\x01\x00\x00\x00" + b"\x00" * 8
    return page + bytes([1, len(packet)]) + packet


def jpeg_with_comment() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(
        buffer,
        format="JPEG",
        comment=b"SECRET-COMMENT 13800000001",
        xmp=b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>",
        icc_profile=b"SECRET-ICC" * 20,
    )
    data = buffer.getvalue()
    assert b"SECRET-COMMENT" in data and b"\xff\xfe" in data  # a COM segment is there
    return data


# --- pixels --------------------------------------------------------------------------


def test_gif_bomb_is_refused_before_decoding(api_client, resident, staff):
    bomb = gif_bomb()
    assert len(bomb) < 400_000
    assert Image.open(io.BytesIO(bomb)).size == (2000, 2000)  # a GIF Pillow would decode
    response = post(api_client(resident), {"photos": [SimpleUploadedFile("b.gif", bomb)]})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "image_too_large"
    assert not Appeal.objects.exists()


def test_too_many_frames_are_refused_even_when_small(api_client, resident, staff, settings):
    many = gif_bomb(frames=settings.APPEAL_MAX_IMAGE_FRAMES + 1, side=8)
    response = post(api_client(resident), {"photos": [SimpleUploadedFile("m.gif", many)]})
    assert response.status_code == 400 and response.json()["code"] == "image_too_large"


def test_a_short_animation_keeps_its_frames(api_client, resident, staff):
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=120,
        loop=0,
        comment=b"SECRET-GIF",
    )
    response = post(
        api_client(resident), {"photos": [SimpleUploadedFile("a.gif", buffer.getvalue())]}
    )
    assert response.status_code == 201, response.content
    with Attachment.objects.get().file.open("rb") as handle:
        stored = handle.read()
    assert Image.open(io.BytesIO(stored)).n_frames == 3
    assert b"SECRET-GIF" not in stored


def test_jpeg_comment_xmp_and_icc_do_not_survive(api_client, resident, staff):
    photo = SimpleUploadedFile("p.jpg", jpeg_with_comment(), content_type="image/jpeg")
    assert post(api_client(resident), {"photos": [photo]}).status_code == 201
    with Attachment.objects.get().file.open("rb") as handle:
        stored = handle.read()
    assert b"SECRET" not in stored
    assert b"\xff\xfe" not in stored  # no COM marker at all
    assert "comment" not in Image.open(io.BytesIO(stored)).info


def test_png_text_chunks_and_exif_do_not_survive(api_client, resident, staff):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SECRET-TEXT")
    info.add_text("Where", "SECRET-ZTXT", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "SECRET-XMP")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (32.0, 58.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, format="PNG", pnginfo=info, exif=exif)
    photo = SimpleUploadedFile("p.png", buffer.getvalue())
    assert post(api_client(resident), {"photos": [photo]}).status_code == 201
    with Attachment.objects.get().file.open("rb") as handle:
        stored = handle.read()
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"SECRET"):
        assert chunk not in stored


# --- containers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "data", "content_type"),
    [
        ("video", mp4(), "video/mp4"),
        ("video", mp4(brand=b"qt  "), "video/quicktime"),
        ("voice", mp4(handler=b"soun", brand=b"M4A "), "audio/mp4"),
        ("video", webm(1), "video/webm"),
        ("voice", webm(2), "audio/webm"),  # what a browser's recorder makes
        ("voice", wav(), "audio/wav"),
        ("voice", mp3(), "audio/mpeg"),
        ("voice", ogg_opus(), "audio/ogg"),
        ("voice", b"#!AMR\n" + (b"\x3c" + b"\x00" * 31) * 5, "audio/amr"),
    ],
)
def test_well_formed_media_is_kept(api_client, resident, staff, field, data, content_type):
    response = post(api_client(resident), {field: [SimpleUploadedFile("clip", data)]})
    assert response.status_code == 201, response.content
    stored = Attachment.objects.get()
    assert stored.content_type == content_type
    with stored.file.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.parametrize(
    ("field", "data"),
    [
        # valid first 12 bytes, garbage after
        ("video", b"\x00\x00\x00\x18ftypmp42" + b"<script>alert(1)</script>" * 40),
        ("video", mp4()[:-40]),  # cut short
        ("video", box(b"ftyp", b"isom\x00\x00\x02\x00") + box(b"mdat", b"\x00" * 64)),  # no moov
        ("video", b"\x1a\x45\xdf\xa3" + b"\x00" * 60),
        ("video", webm(1)[:-10]),
        ("voice", b"RIFF\xff\xff\x00\x00WAVEfmt " + b"\x00" * 60),  # RIFF size lies
        ("voice", wav()[:-100]),
        ("voice", b"OggS" + b"<html>" * 50),
        (
            "voice",
            b"ID3\x03\x00\x00\x00\x00\x00\x05TIT2\x00" + b"<html><body>hello</body></html>" * 30,
        ),
        ("voice", b"\xff\xfb\x90\x00" + b"<svg onload=alert(1)>" * 40),
        ("voice", b"#!AMR\n" + b"\x7f" * 40),
    ],
)
def test_media_with_a_broken_container_is_refused(api_client, resident, staff, field, data):
    response = post(api_client(resident), {field: [SimpleUploadedFile("clip", data)]})
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_file_type"
    assert not Appeal.objects.exists() and not Attachment.objects.exists()


# --- bodies stream to disk and are measured as they arrive -------------------------


class LazyBody:
    """A multipart body made while it is read, counting what the server takes."""

    def __init__(self, field: str, file_bytes: int, boundary: str = "lazyboundary") -> None:
        self.head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="content"\r\n\r\n{TEXT}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="community"\r\n\r\n{JIEFANG}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="big.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.length = len(self.head) + file_bytes + len(self.tail)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.sent = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = self.length - self.sent
        size = min(size, self.length - self.sent)
        start, end = self.sent, self.sent + size
        self.sent = end
        tail_start = self.length - len(self.tail)
        head = self.head[start:end]
        zeros = max(0, min(end, tail_start) - max(start, len(self.head)))
        tail = self.tail[max(0, start - tail_start) : max(0, end - tail_start)]
        return head + b"\x00" * zeros + tail

    def readline(self, size: int = -1) -> bytes:
        raise AssertionError("a multipart body is read in chunks, not lines")

    def environ(self) -> dict:
        return {
            "wsgi.input": self,
            "CONTENT_LENGTH": str(self.length),
            "CONTENT_TYPE": self.content_type,
        }


def test_uploads_stream_to_a_temporary_file(resident):
    request = RequestFactory().post(
        URL, {"content": TEXT, "photos": SimpleUploadedFile("p.jpg", jpeg_with_comment())}
    )
    assert [type(h) for h in request.upload_handlers] == [LimitedTemporaryFileUploadHandler]
    upload = request.FILES["photos"]
    assert isinstance(upload, TemporaryUploadedFile)  # on disk, not in memory
    assert upload.temporary_file_path()


def test_a_400_mb_body_is_refused_before_it_is_read(api_client, resident, staff, settings):
    body = LazyBody("video", 400 * 1024 * 1024)
    response = api_client(resident).post(URL, **body.environ())
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large" and response.json()["message_zh"]
    assert body.sent == 0
    assert not Appeal.objects.exists()


def test_an_oversize_file_stops_the_upload_as_it_arrives(api_client, resident, staff, settings):
    # 30 MB for a voice clip (10 MB limit), within the limit for the whole body.
    body = LazyBody("voice", 30 * 1024 * 1024)
    assert body.length < settings.UPLOAD_MAX_REQUEST_BYTES
    client = api_client(resident)
    tracemalloc.start()
    try:
        response = client.post(URL, **body.environ())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert body.sent < settings.APPEAL_MAX_AUDIO_BYTES + 1024 * 1024  # stopped at the limit
    assert peak < 4 * 1024 * 1024  # streamed in chunks, never held whole
    assert not Appeal.objects.exists()


def test_the_resident_form_answers_an_oversize_body_with_a_page(login_client, resident, staff):
    body = LazyBody("video", 400 * 1024 * 1024)
    response = login_client(resident).post("/appeals/new/", **body.environ())
    assert response.status_code == 413
    assert "MB" in response.content.decode() and body.sent == 0


# --- served only as downloads, only in scope ----------------------------------------


def test_attachments_are_downloads_and_out_of_scope_is_404(
    api_client, login_client, resident, staff, make_staff
):
    response = post(
        api_client(resident),
        {
            "photos": [SimpleUploadedFile("p.jpg", jpeg_with_comment())],
            "video": [SimpleUploadedFile("v.mp4", mp4())],
        },
    )
    assert response.status_code == 201, response.content
    urls = {a["kind"]: a["url"] for a in response.json()["attachments"]}
    outsider = make_staff(Role.COMMUNITY_STAFF, JIANKANG, username="jiankang")
    for kind, content_type in (("image", "image/jpeg"), ("video", "video/mp4")):
        for url, client in (
            (urls[kind], login_client(staff["grid1"])),
            (urls[kind].replace("/appeals/", "/api/v1/appeals/"), api_client(staff["grid1"])),
            (urls[kind], login_client(resident)),
        ):
            served = client.get(url)
            assert served.status_code == 200, url
            assert served["Content-Type"] == content_type
            assert served["Content-Disposition"].startswith("attachment;")
            assert served["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in served["Content-Security-Policy"]
        assert login_client(outsider).get(urls[kind]).status_code == 404
        assert (
            api_client(outsider)
            .get(urls[kind].replace("/appeals/", "/api/v1/appeals/"))
            .status_code
            == 404
        )
    stored = Attachment.objects.filter(kind="image").get()
    assert login_client(staff["grid1"]).get(f"/media/{stored.file.name}").status_code == 404


def test_a_large_json_or_form_body_is_a_clear_413(api_client, login_client, resident, staff):
    big = "字" * (1024 * 1024)  # 3 MB of UTF-8, past DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_client(resident).post(
        "/api/v1/appeals/1/reply", {"message": big}, content_type="application/json"
    )
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    page = login_client(resident).post("/appeals/new/", {"content": big, "community": JIEFANG})
    assert page.status_code == 413
    assert not Appeal.objects.exists()
