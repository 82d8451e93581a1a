"""Calendar files (RFC 5545) for bookings and sessions, written by hand: a few lines of
text need no library, only the right escaping, line folding and times.

- Times are local Beijing time with `TZID=Asia/Shanghai` and the zone's definition
  (UTC+8, no daylight saving since 1991), so a phone set to another zone still shows the
  right moment; `DTSTAMP` is UTC as the RFC requires.
- The UID is stable (`booking-<id>@jiaoliuba`, `session-<id>@jiaoliuba`): downloading the
  file again updates the same entry instead of adding a second one.
- A cancelled booking or session is `METHOD:CANCEL` with `STATUS:CANCELLED` and a higher
  `SEQUENCE`, so a calendar that imported it removes or strikes it.
- Text values escape backslash, semicolon, comma and newlines; lines are folded at 75
  octets without splitting a UTF-8 character."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from jiaoliuba.core.clock import SHANGHAI

PRODID = "-//jiaoliuba//bookings//ZH"
TZID = "Asia/Shanghai"
FOLD_OCTETS = 75
CONTENT_TYPE = "text/calendar; charset=utf-8"

_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE (waiting list) or CANCELLED
    sequence: int = 0

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11); CR LF and lone CR become \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (3.1): continuation lines start with a space
    (which counts), and a multi-byte character is never split."""
    out: list[str] = []
    current, size = "", 0
    limit = FOLD_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y%m%dT%H%M%S")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;TZID={TZID}:{_local(event.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{event.status}",
        f"SUMMARY:{escape(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    events: Iterable[Event], *, stamp: dt.datetime, name: str = "", feed: bool = False
) -> str:
    """A VCALENDAR. One cancelled event alone is sent as METHOD:CANCEL; a feed (many
    events, re-read by the calendar app) is always PUBLISH and marks cancelled entries
    by their STATUS."""
    events = list(events)
    cancel = not feed and len(events) == 1 and events[0].cancelled
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancel else 'PUBLISH'}",
    ]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
        lines.append(f"X-WR-TIMEZONE:{TZID}")
    lines += _VTIMEZONE
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
