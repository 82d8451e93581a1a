"""Keeping personal numbers out of what leaves for third parties, and masking targets in
the delivery log."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from jiaoliuba.core.masking import mask_id_number

# Keys that must never reach a webhook receiver, whatever the caller puts in `payload`.
FORBIDDEN_KEYS = frozenset(
    {
        "phone",
        "phone_number",
        "mobile",
        "mobile_number",
        "tel",
        "telephone",
        "id_number",
        "id_card",
        "id_card_number",
        "identity_number",
        "sfz",
    }
)
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
# Also written as 139-1234-5678, 139 1234 5678 or +86 13912345678.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")


def redact_text(text: str) -> str:
    """Mask mainland ID numbers and mobile numbers written inside free text."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def redact(value: Any) -> Any:
    """A copy of a JSON-like value without phone or ID-number keys, with numbers that look
    like them masked in every string."""
    if isinstance(value, dict):
        return {
            str(k): redact(v)
            for k, v in value.items()
            if str(k).strip().lower().replace("-", "_") not in FORBIDDEN_KEYS
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def mask_email(email: str) -> str:
    """z***@example.com"""
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_url(url: str) -> str:
    """Scheme and host only: paths and query strings may carry tokens."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "…"
