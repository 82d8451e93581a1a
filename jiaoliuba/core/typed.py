"""Ids and counts typed into forms (or sent back from a page), read without surprises."""

from __future__ import annotations

from typing import Any


def whole_number(value: Any) -> int | None:
    """The plain whole number the text is, or None. `str.isdigit()` alone lets "²"
    through, which `int()` then refuses (a 500); twelve digits or more is no id here."""
    raw = str(value or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
