import re

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_ROOM = re.compile(r"\d+\s*(号楼|栋|幢)\s*\d*\s*(单元)?\s*\d*\s*(室|号)?")


def scrub(text: str) -> str:
    """Remove phone numbers, ID numbers and building/room numbers from text shown
    publicly. Names cannot be found reliably by a pattern: staff are told on the reply
    form that replies to consenting residents are published."""
    text = _ID.sub("[证件号已隐去]", text or "")
    text = _PHONE.sub("[电话已隐去]", text)
    text = _LANDLINE.sub("[电话已隐去]", text)
    return _ROOM.sub("[门牌已隐去]", text)


_DIGITS = re.compile(r"\d{3,}")


def public_description(
    content: str,
    *,
    names: list[str] | tuple[str, ...] = (),
    limit: int = 300,
    hide_digit_runs: bool = False,
) -> str:
    """The resident's description as other people see it: numbers scrubbed, the filer's
    own name (when it appears in the text) hidden, on one line, cut to `limit`.

    The public board shows it (300 characters). The "similar appeals" hint shows other
    residents a 60-character summary with `hide_digit_runs`: any run of three or more
    digits the patterns missed (a bare "502", a number written with spaces) is hidden
    too, as a line that short is read for exactly such details."""
    text = scrub(content)
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, "[姓名已隐去]")
    if hide_digit_runs:
        text = _DIGITS.sub("…", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
