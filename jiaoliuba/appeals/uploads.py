"""Checks an uploaded file by its content, not its name, and strips image metadata.
Returns a clean file ready for storage; raises ValidationFailed otherwise.

Photos are decoded and re-encoded from pixels only (no EXIF, GPS, XMP, ICC, JPEG
comments, PNG text chunks), after their size in pixels, over all frames of an animation,
is read from the headers: a small GIF that unpacks to hundreds of megapixels is refused
before Pillow decodes a frame. Audio and video are checked by walking their container
(containers.py) and kept as sent, read from the temporary file without loading it."""

from __future__ import annotations

import contextlib
import io
import struct
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jiaoliuba.appeals.choices import AttachmentKind
from jiaoliuba.appeals.containers import BadContainer, identify_media
from jiaoliuba.core.errors import ValidationFailed, lazy_format

# Pillow's own guard warns at this size and refuses at twice it; ours refuses earlier
# (see _check_pixels), this one is the backstop for code paths we do not control.
Image.MAX_IMAGE_PIXELS = 60_000_000

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
# What an animation needs to play the same; everything else in .info is metadata.
GIF_KEEP = ("duration", "loop", "transparency", "disposal", "background")
STILL_KEEP = ("transparency",)


@dataclass
class CleanFile:
    kind: str
    content: File
    content_type: str
    size: int


def _limit(kind: str) -> int:
    return {
        AttachmentKind.IMAGE: settings.APPEAL_MAX_IMAGE_BYTES,
        AttachmentKind.AUDIO: settings.APPEAL_MAX_AUDIO_BYTES,
        AttachmentKind.VIDEO: settings.APPEAL_MAX_VIDEO_BYTES,
    }[AttachmentKind(kind)]


def form_limits() -> dict[str, int]:
    """The limits the forms tell the browser, so a file past them is refused when chosen
    rather than after its upload ends in a 413 (the server checks them all again)."""
    return {
        "photos": settings.APPEAL_MAX_IMAGES,
        "photo_bytes": _limit(AttachmentKind.IMAGE),
        "voice_bytes": _limit(AttachmentKind.AUDIO),
        "video_bytes": _limit(AttachmentKind.VIDEO),
    }


def _not_an_image(name: str) -> ValidationFailed:
    return ValidationFailed(
        lazy_format(_("“%(name)s” is not a readable image."), {"name": name[:60]}),
        code="invalid_file_type",
    )


def _too_many_pixels(name: str) -> ValidationFailed:
    return ValidationFailed(
        lazy_format(
            _("“%(name)s” has too many pixels or frames; please send a smaller photo."),
            {"name": name[:60]},
        ),
        code="image_too_large",
    )


def gif_frames(data: bytes) -> tuple[int, int]:
    """(frames, pixels over all frames) read from a GIF's block structure, without
    decoding: Pillow paints every frame onto the full canvas, so a frame costs at least
    the canvas. Raises ValueError on a malformed structure."""
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    width, height, flags = struct.unpack("<HHB", data[6:11])
    canvas = width * height
    pos = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    frames = pixels = 0
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            pos += 2
        elif block == 0x2C:  # image descriptor
            frame_w, frame_h, local = struct.unpack("<HHB", data[pos + 5 : pos + 10])
            frames += 1
            pixels += max(canvas, frame_w * frame_h)
            pos += 10 + (3 * (2 << (local & 7)) if local & 0x80 else 0) + 1  # + LZW code size
        else:
            raise ValueError("unknown GIF block")
        while True:  # sub-blocks up to the zero-length terminator
            if pos >= len(data):
                raise ValueError("cut GIF")
            length = data[pos]
            pos += 1 + length
            if length == 0:
                break
    return frames, pixels


def _check_pixels(image: Image.Image, data: bytes, name: str) -> None:
    if image.width * image.height > settings.APPEAL_MAX_IMAGE_PIXELS:
        raise _too_many_pixels(name)
    if image.format == "GIF":
        try:
            frames, pixels = gif_frames(data)
        except (ValueError, struct.error) as exc:
            raise _not_an_image(name) from exc
        if frames > settings.APPEAL_MAX_IMAGE_FRAMES or (
            frames > 1 and pixels > settings.APPEAL_MAX_ANIMATION_PIXELS
        ):
            raise _too_many_pixels(name)


def _clean_image(data: bytes, name: str) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            _check_pixels(probe, data, name)
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(data))
        fmt = image.format or ""
        if fmt not in IMAGE_FORMATS:
            raise ValidationFailed(
                _("Photos must be JPEG, PNG, WebP or GIF."), code="invalid_file_type"
            )
        buffer = io.BytesIO()
        if fmt == "GIF":
            # Re-encoded frame by frame: the animation stays, comments and XMP go.
            image.info = {k: v for k, v in image.info.items() if k in GIF_KEEP}
            image.save(buffer, format="GIF", save_all=True, comment=b"")
        else:
            # Broken EXIF: the pixels are fine, and the tag is dropped below anyway.
            with contextlib.suppress(SyntaxError, ValueError, OSError, struct.error):
                image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF gave
            # Pillow copies some of .info into the new file (a JPEG's comment, ICC
            # profiles, XMP): only what the pixels need may stay.
            image.info = {k: v for k, v in image.info.items() if k in STILL_KEEP}
            save_kwargs: dict[str, Any] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(buffer, format=fmt, **save_kwargs)  # no exif=..., so no metadata
        cleaned = buffer.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _not_an_image(name) from exc
    content_type, ext = IMAGE_FORMATS[fmt]
    return CleanFile(
        AttachmentKind.IMAGE, ContentFile(cleaned, name=f"upload.{ext}"), content_type, len(cleaned)
    )


def _size_of(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    file.seek(0)
    return int(size)


def clean_upload(*, name: str, file: IO[bytes], declared_kind: str | None = None) -> CleanFile:
    size = _size_of(file)
    if not size:
        raise ValidationFailed(
            lazy_format(_("“%(name)s” is empty."), {"name": name[:60]}), code="empty_file"
        )
    try:
        media = identify_media(file, size)
    except BadContainer as exc:
        raise ValidationFailed(
            lazy_format(
                _("“%(name)s” is not a readable voice clip or video."), {"name": name[:60]}
            ),
            code="invalid_file_type",
        ) from exc
    kind = media[0] if media else AttachmentKind.IMAGE
    if declared_kind and declared_kind != kind:
        raise ValidationFailed(
            lazy_format(
                _(
                    "“%(name)s” does not contain what its field expects (a photo, a voice clip or a video)."
                ),
                {"name": name[:60]},
            ),
            code="invalid_file_type",
        )
    if size > _limit(kind):
        raise ValidationFailed(
            lazy_format(
                _("“%(name)s” is larger than %(mb)s MB."),
                {"name": name[:60], "mb": _limit(kind) // (1024 * 1024)},
            ),
            code="file_too_large",
        )
    if media is None:
        return _clean_image(file.read(), name)
    _kind, content_type, ext = media
    file.seek(0)
    return CleanFile(kind, File(file, name=f"upload.{ext}"), content_type, size)


def attachment_response(attachment: Any) -> FileResponse:
    """A stored file as a download, never rendered by the browser as a page: a file that
    passed the checks but is hostile to a player or a viewer stays inert."""
    ext = attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else "bin"
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type or "application/octet-stream",
        as_attachment=True,
        filename=f"{attachment.kind}-{attachment.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response
