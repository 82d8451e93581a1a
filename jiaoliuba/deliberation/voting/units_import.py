"""Parsing the unit register CSV, line by line. Nothing is written here: the service
unit_register_import writes the rows only when every line is good.

Columns (a header row first; Chinese or English names):
    楼栋 building · 单元 entrance · 房号 room · 专有面积 area (m², from the registration) ·
    业主 owners · 手机号 phones · 开发商持有 developer (是/否)
Co-owners are separated by "；" ";" "、" or "/", names and phones in the same order.

Persons (解释 第九条): one unit is one person; one buyer's several units are one person;
the developer's unsold or undelivered units are together one person; a co-owned unit is
one person. The person key is therefore "developer", or a hash of the owners' phone
hashes: the same owner set gives the same key, a different set a different one."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiaoliuba.core.crypto import lookup_hash
from jiaoliuba.core.errors import ValidationFailed, lazy_format
from jiaoliuba.core.validators import normalize_mobile
from jiaoliuba.deliberation.voting.choices import DEVELOPER_KEY

COLUMNS = {
    "building": ("楼栋", "楼号", "building"),
    "entrance": ("单元", "entrance"),
    "room": ("房号", "室", "room"),
    "area": ("专有面积", "专有部分面积", "建筑面积", "area"),
    "owners": ("业主", "业主姓名", "owners"),
    "phones": ("手机号", "手机", "phones"),
    "developer": ("开发商持有", "developer"),
}
REQUIRED = ("building", "room", "area")
_SPLIT = re.compile(r"[；;、/]")
_YES = {"是", "y", "yes", "1", "true"}
_NO = {"", "否", "n", "no", "0", "false"}
MAX_LINES = 20000


@dataclass
class UnitRow:
    line: int
    building: str
    entrance: str
    room: str
    area: Decimal
    developer_held: bool
    owners: list[tuple[str, str]] = field(default_factory=list)  # (name, phone)
    person_key: str = ""

    @property
    def label(self) -> str:
        return "-".join(p for p in (self.building, self.entrance, self.room) if p)


def phone_key(phone: str) -> str:
    return lookup_hash(phone, purpose="phone")


def person_key_of(phones: list[str]) -> str:
    joined = "|".join(sorted(phone_key(p) for p in phones))
    return "o:" + hashlib.sha256(joined.encode()).hexdigest()[:60]


def _header(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(row):
        clean = name.strip().lstrip("\ufeff").lower()
        for key, names in COLUMNS.items():
            if clean in names:
                found[key] = index
    return found


def _area(raw: str) -> Decimal | str:
    try:
        value = Decimal(raw.replace(",", "").strip())
    except InvalidOperation:
        return _("area “%(value)s” is not a number") % {"value": raw[:20]}
    if not value.is_finite() or value <= 0:
        return _("area must be more than 0")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return _("area has more than two decimals")
    if value >= Decimal("10000000"):
        return _("area is too large")
    return value


def parse_units_csv(text: str) -> list[UnitRow]:
    """Every line checked; if any is wrong, ValidationFailed lists all of them (line
    numbers as a spreadsheet shows them, the header being line 1)."""
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise ValidationFailed(gettext_lazy("The file is empty."), code="units_empty")
    header = _header(rows[0])
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in header]
    if missing:
        raise ValidationFailed(
            lazy_format(
                gettext_lazy("The header row lacks the columns: %(columns)s."),
                {"columns": "、".join(missing)},
            ),
            code="units_header",
        )
    if len(rows) - 1 > MAX_LINES:
        raise ValidationFailed(
            lazy_format(gettext_lazy("At most %(n)d units per file."), {"n": MAX_LINES}),
            code="units_too_many",
        )
    errors: list[dict[str, object]] = []
    units: list[UnitRow] = []
    seen: dict[tuple[str, str, str], int] = {}

    def cell(row: list[str], key: str) -> str:
        index = header.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        problems: list[str] = []
        building, entrance, room = cell(row, "building"), cell(row, "entrance"), cell(row, "room")
        if not building:
            problems.append(_("building is empty"))
        if not room:
            problems.append(_("room is empty"))
        if any(len(x) > 32 for x in (building, entrance, room)):
            problems.append(_("building, entrance or room is longer than 32 characters"))
        area = _area(cell(row, "area"))
        if isinstance(area, str):
            problems.append(area)
        flag = cell(row, "developer").lower()
        if flag not in _YES | _NO:
            problems.append(_("developer must be 是 or 否"))
        developer = flag in _YES
        names = [n.strip() for n in _SPLIT.split(cell(row, "owners")) if n.strip()]
        phones_raw = [p.strip() for p in _SPLIT.split(cell(row, "phones")) if p.strip()]
        phones: list[str] = []
        for raw in phones_raw:
            try:
                phones.append(normalize_mobile(raw))
            except ValidationFailed:
                problems.append(_("“%(phone)s” is not a mobile number") % {"phone": raw[:20]})
        if not developer:
            if not names:
                problems.append(_("no owner given"))
            elif len(names) != len(phones_raw):
                problems.append(
                    _("%(names)d owners but %(phones)d mobile numbers")
                    % {"names": len(names), "phones": len(phones_raw)}
                )
            if len(set(phones)) != len(phones):
                problems.append(_("the same mobile number twice in one unit"))
        if any(len(n) > 64 for n in names):
            problems.append(_("an owner's name is longer than 64 characters"))
        address = (building, entrance, room)
        if building and room and address in seen:
            problems.append(_("the same unit as line %(line)d") % {"line": seen[address]})
        seen.setdefault(address, number)
        if problems:
            errors.append({"line": number, "message": "；".join(problems)})
            continue
        assert isinstance(area, Decimal)
        unit = UnitRow(number, building, entrance, room, area, developer)
        if developer:
            unit.owners = list(zip(names, phones, strict=False))
            unit.person_key = DEVELOPER_KEY
        else:
            unit.owners = list(zip(names, phones, strict=True))
            unit.person_key = person_key_of(phones)
        units.append(unit)
    if errors:
        raise ValidationFailed(
            lazy_format(
                gettext_lazy("%(n)d lines are wrong; nothing was imported."), {"n": len(errors)}
            ),
            code="units_invalid",
            extra={"errors": errors},
        )
    if not units:
        raise ValidationFailed(gettext_lazy("The file has no units."), code="units_empty")
    return units
