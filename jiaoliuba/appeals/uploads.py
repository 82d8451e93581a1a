"""Checks an uploaded file by its content, not its name, and strips image metadata.
Returns a clean ContentFile ready for storage; raises ValidationFailed otherwise."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jiaoliuba.appeals.choices import AttachmentKind
from jiaoliuba.core.errors import ValidationFailed

Image.MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb is refused, not decoded

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}


@dataclass
class CleanFile:
    kind: str
    content: ContentFile
    content_type: str
    size: int


def _limit(kind: str) -> int:
    return {
        AttachmentKind.IMAGE: settings.APPEAL_MAX_IMAGE_BYTES,
        AttachmentKind.AUDIO: settings.APPEAL_MAX_AUDIO_BYTES,
        AttachmentKind.VIDEO: settings.APPEAL_MAX_VIDEO_BYTES,
    }[AttachmentKind(kind)]


def sniff_media(head: bytes) -> tuple[str, str, str] | None:
    """(kind, content type, extension) from the first bytes of audio or video."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return AttachmentKind.AUDIO, "audio/mp4", "m4a"
        if brand.startswith(b"qt"):
            return AttachmentKind.VIDEO, "video/quicktime", "mov"
        return AttachmentKind.VIDEO, "video/mp4", "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return AttachmentKind.VIDEO, "video/webm", "webm"
    if head.startswith(b"#!AMR"):
        return AttachmentKind.AUDIO, "audio/amr", "amr"
    if head.startswith(b"OggS"):
        return AttachmentKind.AUDIO, "audio/ogg", "ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return AttachmentKind.AUDIO, "audio/mpeg", "mp3"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return AttachmentKind.AUDIO, "audio/wav", "wav"
    if head.startswith(b"#!SILK_V3") or head.startswith(b"\x02#!SILK_V3"):
        return AttachmentKind.AUDIO, "audio/silk", "silk"  # WeChat voice messages
    return None


def _clean_image(data: bytes, name: str) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(data))
        fmt = image.format or ""
        if fmt not in IMAGE_FORMATS:
            raise ValidationFailed(
                _("Photos must be JPEG, PNG, WebP or GIF."), code="invalid_file_type"
            )
        buffer = io.BytesIO()
        if fmt == "GIF":
            # Re-encoded frame by frame: animation stays, comments and XMP blocks go.
            image.info.pop("comment", None)
            image.save(buffer, format="GIF", save_all=True)
        else:
            image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF gave
            save_kwargs = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(buffer, format=fmt, **save_kwargs)  # no exif=..., so no metadata
        cleaned = buffer.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed(
            _("“%(name)s” is not a readable image.") % {"name": name[:60]}, code="invalid_file_type"
        ) from exc
    content_type, ext = IMAGE_FORMATS[fmt]
    return CleanFile(
        AttachmentKind.IMAGE, ContentFile(cleaned, name=f"upload.{ext}"), content_type, len(cleaned)
    )


def clean_upload(*, name: str, data: bytes, declared_kind: str | None = None) -> CleanFile:
    if not data:
        raise ValidationFailed(_("“%(name)s” is empty.") % {"name": name[:60]}, code="empty_file")
    media = sniff_media(data[:16])
    kind = media[0] if media else AttachmentKind.IMAGE
    if declared_kind and declared_kind != kind:
        raise ValidationFailed(
            _(
                "“%(name)s” does not contain what its field expects (a photo, a voice clip or a video)."
            )
            % {"name": name[:60]},
            code="invalid_file_type",
        )
    if len(data) > _limit(kind):
        raise ValidationFailed(
            _("“%(name)s” is larger than %(mb)s MB.")
            % {"name": name[:60], "mb": _limit(kind) // (1024 * 1024)},
            code="file_too_large",
        )
    if media is None:
        return _clean_image(data, name)
    _kind, content_type, ext = media
    return CleanFile(kind, ContentFile(data, name=f"upload.{ext}"), content_type, len(data))
