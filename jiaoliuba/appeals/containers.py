"""Audio and video are checked by walking their container, not by their first bytes: a
file that starts like an MP4 and carries anything else after twelve bytes is refused.
The walks read headers only (seek, read a few bytes, skip the payload), so a 50 MB video
costs a few thousand small reads and never sits in memory. They do not decode media;
whatever passes is still served only as a download (see views.appeal_attachment)."""

from __future__ import annotations

import struct
from typing import IO

from jiaoliuba.appeals.choices import AttachmentKind

Media = tuple[str, str, str]  # kind, content type, extension

MAX_UNITS = 2_000_000  # boxes, pages, frames: bounds the work on any one file


class BadContainer(ValueError):
    pass


def _read(f: IO[bytes], pos: int, n: int) -> bytes:
    f.seek(pos)
    data = f.read(n)
    if len(data) != n:
        raise BadContainer("truncated")
    return data


def _printable(tag: bytes) -> bool:
    return all(0x20 <= c <= 0x7E for c in tag)


# --- ISO base media (MP4, MOV, M4A) -------------------------------------------------


def _boxes(
    f: IO[bytes], start: int, end: int, *, top: bool = False
) -> list[tuple[bytes, int, int]]:
    """(type, payload start, end) of each box between start and end, which must tile it."""
    boxes: list[tuple[bytes, int, int]] = []
    pos = start
    while pos < end:
        if end - pos < 8:
            raise BadContainer("box header cut")
        size, kind = struct.unpack(">I4s", _read(f, pos, 8))
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", _read(f, pos + 8, 8))
            header = 16
        elif size == 0 and top:
            size = end - pos  # "to the end of the file", allowed for the last top-level box
        if not _printable(kind) or size < header or pos + size > end:
            raise BadContainer("bad box")
        boxes.append((kind, pos + header, pos + size))
        pos += size
        if len(boxes) > MAX_UNITS:
            raise BadContainer("too many boxes")
    return boxes


def _iso_media(f: IO[bytes], size: int) -> Media:
    top = _boxes(f, 0, size, top=True)
    if top[0][0] != b"ftyp" or top[0][2] - top[0][1] < 8:
        raise BadContainer("no ftyp")
    brand = _read(f, top[0][1], 4)
    kinds = [box[0] for box in top]
    if kinds.count(b"moov") != 1 or not ({b"mdat", b"moof"} & set(kinds)):
        raise BadContainer("no movie or no media data")
    moov = next(box for box in top if box[0] == b"moov")
    children = _boxes(f, moov[1], moov[2])
    if not any(box[0] == b"mvhd" for box in children):
        raise BadContainer("no movie header")
    handlers = set()
    for trak in (box for box in children if box[0] == b"trak"):
        for mdia in (box for box in _boxes(f, trak[1], trak[2]) if box[0] == b"mdia"):
            for hdlr in (box for box in _boxes(f, mdia[1], mdia[2]) if box[0] == b"hdlr"):
                handlers.add(_read(f, hdlr[1] + 8, 4))
    if not handlers & {b"vide", b"soun"}:
        raise BadContainer("no audio or video track")
    if b"vide" not in handlers:
        return AttachmentKind.AUDIO, "audio/mp4", "m4a"
    if brand.startswith(b"qt"):
        return AttachmentKind.VIDEO, "video/quicktime", "mov"
    return AttachmentKind.VIDEO, "video/mp4", "mp4"


# --- EBML (WebM, Matroska) ----------------------------------------------------------

EBML_HEADER, SEGMENT, DOC_TYPE = 0x1A45DFA3, 0x18538067, 0x4282
TRACKS, TRACK_ENTRY, TRACK_TYPE, CLUSTER = 0x1654AE6B, 0xAE, 0x83, 0x1F43B675
SEGMENT_CHILDREN = {
    0x114D9B74,  # SeekHead
    0x1549A966,  # Info
    TRACKS,
    CLUSTER,
    0x1C53BB6B,  # Cues
    0x1254C367,  # Tags
    0x1043A770,  # Chapters
    0x1941A469,  # Attachments
    0xEC,  # Void
    0xBF,  # CRC-32
}


def _vint(f: IO[bytes], pos: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, length, all value bits set) of the variable-length integer at pos."""
    first = _read(f, pos, 1)[0]
    if first == 0:
        raise BadContainer("bad vint")
    length = 9 - first.bit_length()
    if keep_marker and length > 4:
        raise BadContainer("bad element id")
    raw = int.from_bytes(_read(f, pos, length), "big")
    value_bits = 7 * length
    value = raw & ((1 << value_bits) - 1)
    return (raw if keep_marker else value), length, value == (1 << value_bits) - 1


def _elements(f: IO[bytes], start: int, end: int) -> list[tuple[int, int, int | None]]:
    """(id, payload start, payload end or None for an unknown size) between start and end;
    a walk stops after an element of unknown size (a live recording's cluster)."""
    found: list[tuple[int, int, int | None]] = []
    pos = start
    while pos < end:
        element, id_len, _ones = _vint(f, pos, keep_marker=True)
        size, size_len, unknown = _vint(f, pos + id_len, keep_marker=False)
        payload = pos + id_len + size_len
        if unknown:
            found.append((element, payload, None))
            break
        if payload + size > end:
            raise BadContainer("element runs past its parent")
        found.append((element, payload, payload + size))
        pos = payload + size
        if len(found) > MAX_UNITS:
            raise BadContainer("too many elements")
    return found


def _ebml_media(f: IO[bytes], size: int) -> Media:
    top = _elements(f, 0, size)
    if len(top) < 2 or top[0][0] != EBML_HEADER or top[1][0] != SEGMENT or top[0][2] is None:
        raise BadContainer("no EBML header and segment")
    header = _elements(f, top[0][1], top[0][2])
    doc_types = [_read(f, s, e - s) for i, s, e in header if i == DOC_TYPE and e is not None]
    if not doc_types or doc_types[0] not in (b"webm", b"matroska"):
        raise BadContainer("not WebM or Matroska")
    segment_end = top[1][2] if top[1][2] is not None else size
    track_types: list[int] = []
    for element, start, end in _elements(f, top[1][1], segment_end):
        if element not in SEGMENT_CHILDREN:
            raise BadContainer("unknown segment element")
        if element == TRACKS and end is not None:
            for entry, entry_start, entry_end in _elements(f, start, end):
                if entry == TRACK_ENTRY and entry_end is not None:
                    for field, s, e in _elements(f, entry_start, entry_end):
                        if field == TRACK_TYPE and e is not None and 0 < e - s <= 8:
                            track_types.append(int.from_bytes(_read(f, s, e - s), "big"))
        if element == CLUSTER and not track_types:
            raise BadContainer("media before the track list")
        if end is None and element != CLUSTER:
            raise BadContainer("unknown size outside a cluster")
    if not {1, 2} & set(track_types):
        raise BadContainer("no audio or video track")
    webm = doc_types[0] == b"webm"
    if 1 in track_types:
        return (
            (AttachmentKind.VIDEO, "video/webm", "webm")
            if webm
            else (
                AttachmentKind.VIDEO,
                "video/x-matroska",
                "mkv",
            )
        )
    return (
        (AttachmentKind.AUDIO, "audio/webm", "webm")
        if webm
        else (
            AttachmentKind.AUDIO,
            "audio/x-matroska",
            "mka",
        )
    )


# --- RIFF WAVE ----------------------------------------------------------------------


def _wav_media(f: IO[bytes], size: int) -> Media:
    riff_size = struct.unpack("<I", _read(f, 4, 4))[0]
    end = riff_size + 8
    if end not in (size, size - 1) or _read(f, 8, 4) != b"WAVE":
        raise BadContainer("RIFF size does not match the file")
    pos, has_fmt, has_data = 12, False, False
    while pos < end:
        if end - pos < 8:
            raise BadContainer("chunk header cut")
        chunk, length = struct.unpack("<4sI", _read(f, pos, 8))
        if not _printable(chunk) or pos + 8 + length > end:
            raise BadContainer("bad chunk")
        if chunk == b"fmt ":
            if length < 16:
                raise BadContainer("short format chunk")
            fmt, channels, rate = struct.unpack("<HHI", _read(f, pos + 8, 8))
            if fmt == 0 or not 1 <= channels <= 32 or not 1000 <= rate <= 768_000:
                raise BadContainer("bad format")
            has_fmt = True
        elif chunk == b"data":
            if not has_fmt:
                raise BadContainer("data before format")
            has_data = True
        pos += 8 + length + (length & 1)
    if not has_data:
        raise BadContainer("no data chunk")
    return AttachmentKind.AUDIO, "audio/wav", "wav"


# --- Ogg ----------------------------------------------------------------------------


def _ogg_media(f: IO[bytes], size: int) -> Media:
    pos, pages, first_packet = 0, 0, b""
    while pos < size:
        header = _read(f, pos, 27)
        if header[:4] != b"OggS" or header[4] != 0 or header[5] & ~0x07:
            raise BadContainer("bad page")
        if pages == 0 and not header[5] & 0x02:
            raise BadContainer("first page is not a stream start")
        segments = _read(f, pos + 27, header[26])
        body = pos + 27 + header[26]
        if pages == 0:
            first_packet = _read(f, body, min(8, sum(segments)))
        pos = body + sum(segments)
        pages += 1
        if pos > size or pages > MAX_UNITS:
            raise BadContainer("page runs past the end")
    if first_packet.startswith(b"\x80theora"):
        return AttachmentKind.VIDEO, "video/ogg", "ogv"
    if not first_packet.startswith((b"OpusHead", b"\x01vorbis", b"Speex   ", b"\x7fFLAC")):
        raise BadContainer("unknown codec")
    return AttachmentKind.AUDIO, "audio/ogg", "ogg"


# --- MPEG audio (MP3) ---------------------------------------------------------------

# kbit/s by [MPEG-1?][layer 1..3][index]
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(header: bytes) -> int:
    if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version, layer_bits = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    layer, mpeg1 = 4 - layer_bits, version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 144 if (layer == 2 or mpeg1) else 72
    return per_frame * bitrate // rate + padding


def _mp3_media(f: IO[bytes], size: int) -> Media:
    pos = 0
    if _read(f, 0, 3) == b"ID3":
        tag = _read(f, 0, 10)
        if any(b & 0x80 for b in tag[6:10]):
            raise BadContainer("bad ID3 size")
        pos = 10 + ((tag[6] << 21) | (tag[7] << 14) | (tag[8] << 7) | tag[9])  # syncsafe
        pos += 10 if tag[5] & 0x10 else 0  # footer
    end = size
    if size - pos >= 128 and _read(f, size - 128, 3) == b"TAG":
        end = size - 128  # ID3v1 at the end
    start, frames = pos, 0
    while end - pos >= 4:
        length = _mp3_frame_length(_read(f, pos, 4))
        if length < 4 or pos + length > end:
            break
        pos += length
        frames += 1
        if frames > MAX_UNITS:
            raise BadContainer("too many frames")
    # Encoders may leave a short tail (an APE tag, a cut last frame); not megabytes of it.
    if frames < 2 or (pos - start) < 0.9 * (end - start):
        raise BadContainer("not a stream of MPEG audio frames")
    return AttachmentKind.AUDIO, "audio/mpeg", "mp3"


# --- AMR and WeChat's SILK voice ----------------------------------------------------

_AMR_NB = (12, 13, 15, 17, 19, 20, 26, 31, 5, -1, -1, -1, -1, -1, -1, 0)
_AMR_WB = (17, 23, 32, 36, 40, 46, 50, 58, 60, 5, -1, -1, -1, -1, 0, 0)


def _amr_media(f: IO[bytes], size: int, *, wide: bool) -> Media:
    sizes, pos = (_AMR_WB, 9) if wide else (_AMR_NB, 6)
    frames = 0
    while pos < size:
        header = _read(f, pos, 1)[0]
        length = sizes[(header >> 3) & 0x0F]
        # Storage format: the first and the two padding bits of a frame header are zero.
        if header & 0x83 or length < 0 or pos + 1 + length > size:
            raise BadContainer("bad AMR frame")
        pos += 1 + length
        frames += 1
        if frames > MAX_UNITS:
            raise BadContainer("too many frames")
    if not frames:
        raise BadContainer("no frames")
    return AttachmentKind.AUDIO, "audio/amr", "amr"


def _silk_media(f: IO[bytes], size: int, start: int) -> Media:
    pos, frames = start, 0
    while pos < size:
        if size - pos < 2:
            raise BadContainer("cut frame")
        (length,) = struct.unpack("<H", _read(f, pos, 2))
        if length == 0xFFFF and size - pos == 2:
            break  # end marker
        if length == 0 or length > 2000 or pos + 2 + length > size:
            raise BadContainer("bad SILK frame")
        pos += 2 + length
        frames += 1
        if frames > MAX_UNITS:
            raise BadContainer("too many frames")
    if not frames:
        raise BadContainer("no frames")
    return AttachmentKind.AUDIO, "audio/silk", "silk"


def identify_media(f: IO[bytes], size: int) -> Media | None:
    """What audio or video the file is, None when it does not look like audio or video
    at all (it may be a photo), or BadContainer when it looks like one but is not."""
    f.seek(0)
    head = f.read(16)
    try:
        if head[4:8] == b"ftyp":
            return _iso_media(f, size)
        if head.startswith(b"\x1a\x45\xdf\xa3"):
            return _ebml_media(f, size)
        if head.startswith(b"#!AMR-WB\n"):
            return _amr_media(f, size, wide=True)
        if head.startswith(b"#!AMR\n"):
            return _amr_media(f, size, wide=False)
        if head.startswith(b"OggS"):
            return _ogg_media(f, size)
        if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
            return _wav_media(f, size)
        if head.startswith(b"#!SILK_V3"):
            return _silk_media(f, size, 9)
        if head.startswith(b"\x02#!SILK_V3"):
            return _silk_media(f, size, 10)  # WeChat voice messages
        if head.startswith(b"ID3") or (
            len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
        ):
            return _mp3_media(f, size)
    except (struct.error, IndexError, KeyError) as exc:
        raise BadContainer("unreadable") from exc
    finally:
        f.seek(0)
    return None
