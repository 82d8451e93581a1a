"""Mainland China phone and resident ID numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from jiaoliuba.core.errors import ValidationFailed

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCE_PREFIXES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}


def normalize_mobile(raw: str) -> str:
    """Return the 11-digit mobile number or raise ValidationFailed.
    Accepts spaces, dashes and a +86 / 0086 / 86 prefix as people type them."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.match(digits):
        raise ValidationFailed(
            _("Please enter a valid mainland mobile number (11 digits starting with 1)."),
            code="invalid_phone",
        )
    return digits


def id_number_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(raw: str) -> str:
    """Validate an 18-digit resident ID (GB 11643): region, birth date and check digit."""
    value = re.sub(r"\s", "", raw or "").upper()
    error = ValidationFailed(_("The ID number is not valid."), code="invalid_id_number")
    if not re.fullmatch(r"\d{17}[\dX]", value) or value[:2] not in _PROVINCE_PREFIXES:
        raise error
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise error from None
    if birth.year < 1900 or birth > dt.date.today():
        raise error
    if id_number_check_digit(value[:17]) != value[17]:
        raise ValidationFailed(
            _(
                "The last digit of the ID number does not match the others; please check the number."
            ),
            code="invalid_id_number",
        )
    return value
