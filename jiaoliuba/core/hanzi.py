"""What residents write, read in one standard form (simplified Mandarin) by the code that
reads it: triage, its rules, and the matching of appeals. Two steps: traditional characters
as simplified ones, then the commonest words of written Cantonese as their Mandarin words.

Residents from Hong Kong, Macao and Taiwan, and older residents whose phones are set that
way, write 繁体: "我家老頭子關在電梯裡頭了". The triage corpus is almost all simplified, so
without this the model sees 電梯 and 關 as strangers and the administrators' rules (written
in simplified) never match. What the resident wrote is stored as written; only what the
software reads is converted.

OpenCC's phrase-aware Traditional → Simplified conversion (a compiled PyPI wheel, its
dictionaries inside the package, no network), about 2 µs a message. If the library cannot
be loaded the text is read as it is, with a warning in the log: triage then works as it
did before this module, never fails.

Written Cantonese ("部𨋢困咗人") is read in Mandarin words by a table of this module's own
(OpenCC converts characters, not Cantonese words), only in a text that holds a character
Mandarin does not use; a regular expression over the table, a few µs more for such a text."""

from __future__ import annotations

import logging
import re
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


# Written Cantonese (粤语书面语), as residents from Guangdong, Hong Kong and Macao write it:
# "部𨋢困咗人，管理处冇人听电话". The corpus and the administrators' rules are Mandarin, so
# 𨋢 (lift), 晕低 (fainted) and 冇反应 (no response) would be strangers. These characters
# are used in Cantonese only; a text holding none of them is left exactly as it is, so the
# word table below never touches Mandarin (where 今日, 几时 or 边 mean something else).
# Both forms of a character OpenCC simplifies (𨋢 → 䢂, 嗰 → 𠮶) are listed: without OpenCC
# the traditional form stays.
CANTONESE_MARKERS = "咗佢冇喺嘅唔啲嗰𠮶睇嘢揾搵攞𨋢䢂瞓噉嚟哋"

# Written from the commonest words of written Cantonese, not from any corpus or test file;
# longer words first where a shorter one is inside them.
CANTONESE_WORDS = {
    # lifts, falls and faints: the words a red rule looks for
    "𨋢": "电梯",
    "䢂": "电梯",
    "晕低": "晕倒",
    "跌低": "摔倒",
    # questions and people
    "点算": "怎么办",
    "点办": "怎么办",
    "点解": "为什么",
    "点样": "怎样",
    "边个": "谁",
    "边度": "哪里",
    "乜嘢": "什么",
    "咩嘢": "什么",
    "系咪": "是不是",
    "唔系": "不是",
    "唔该": "请",
    "唔识": "不会",
    "老豆": "爸爸",
    "老窦": "爸爸",
    "细路": "小孩",
    "差佬": "警察",
    "屋企": "家里",
    # time and place
    "而家": "现在",
    "琴日": "昨天",
    "寻日": "昨天",
    "听日": "明天",
    "今日": "今天",
    "呢度": "这里",
    "呢个": "这个",
    "呢啲": "这些",
    "嗰度": "那里",
    "𠮶度": "那里",
    "嗰个": "那个",
    "𠮶个": "那个",
    "水浸": "水淹",
    "搞掂": "搞定",
    # single characters
    "咗": "了",
    "佢": "他",
    "冇": "没有",
    "喺": "在",
    "嘅": "的",
    "唔": "不",
    "啲": "些",
    "嗰": "那",
    "𠮶": "那",
    "睇": "看",
    "嘢": "东西",
    "揾": "找",
    "搵": "找",
    "攞": "拿",
    "瞓": "睡",
    "噉": "这样",
    "嚟": "来",
    "哋": "们",
    "畀": "给",
    "俾": "给",
    "咁": "这么",
}

_MARKER = re.compile(f"[{CANTONESE_MARKERS}]")
_WORD = re.compile("|".join(sorted(map(re.escape, CANTONESE_WORDS), key=len, reverse=True)))


def standard(text: str) -> str:
    """`text` as the software reads it: simplified characters, and written Cantonese in
    Mandarin words. What the resident wrote is stored as written; only this is compared."""
    text = simplified(text)
    if _MARKER.search(text) is None:
        return text
    return _WORD.sub(lambda m: CANTONESE_WORDS[m.group()], text)


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
