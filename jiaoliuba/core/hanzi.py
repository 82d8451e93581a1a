"""Traditional characters read as simplified ones, for the code that reads what residents
write (triage, its rules, and the matching of appeals).

Residents from Hong Kong, Macao and Taiwan, and older residents whose phones are set that
way, write 繁体: "我家老頭子關在電梯裡頭了". The triage corpus is almost all simplified, so
without this the model sees 電梯 and 關 as strangers and the administrators' rules (written
in simplified) never match. What the resident wrote is stored as written; only what the
software reads is converted.

OpenCC's phrase-aware Traditional → Simplified conversion (a compiled PyPI wheel, its
dictionaries inside the package, no network), about 2 µs a message. If the library cannot
be loaded the text is read as it is, with a warning in the log: triage then works as it
did before this module, never fails."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)


@cache
def _converter() -> Any | None:
    try:
        import opencc  # noqa: PLC0415 (a compiled library: loaded on first use)

        return opencc.OpenCC("t2s.json")
    except Exception:
        logger.warning("hanzi: OpenCC could not be loaded; traditional text is read as it is")
        return None


def simplified(text: str) -> str:
    """`text` with traditional characters (and phrases) in their simplified form; a text
    without any is returned as it is."""
    if not text or text.isascii():
        return text or ""
    converter = _converter()
    if converter is None:
        return text
    try:
        return converter.convert(text)
    except UnicodeEncodeError:
        # Half a surrogate pair (a JSON "\ud800"): not text, so there is nothing to convert.
        return text
