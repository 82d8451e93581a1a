"""The legal counting rules, as pure functions over exact fractions (never floats).

Owner votes (业主共同决定), 民法典 第二百七十八条 with 最高人民法院《关于审理建筑物区分所有权
纠纷案件适用法律若干问题的解释》第八、九条:
- quorum: owners holding at least two thirds of the exclusive area AND at least two thirds
  of the persons take part ("以上" includes the number itself, 民法典 第一千二百五十九条);
- items 6–8 pass with at least three quarters of the participating area AND of the
  participating persons;
- every other item passes with MORE than half of each ("过半数": exactly half fails).
Area is the exclusive area from the registration (第八条); persons are counted by the
unit register's person key (第九条, see units_import)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

TWO_THIRDS = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)
HALF = Fraction(1, 2)


def as_fraction(value: Any) -> Fraction:
    """Decimal areas and integer counts become exact fractions (Decimal('89.35') → 1787/20)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not exact; pass a Decimal or an int")
    return Fraction(Decimal(value)) if not isinstance(value, int) else Fraction(value)


def percent(part: Fraction) -> str:
    """A display figure with two decimals; the decision is always taken on the fraction."""
    value = Decimal(part.numerator * 100) / Decimal(part.denominator)
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class Condition:
    code: str
    label: Any
    numerator: Fraction
    denominator: Fraction
    threshold: Fraction
    strictly_more: bool  # "过半数" is strictly more; "以上" includes the number
    area: bool = False  # figures in m², shown with two decimals

    @property
    def share(self) -> Fraction | None:
        return None if self.denominator == 0 else self.numerator / self.denominator

    @property
    def met(self) -> bool:
        share = self.share
        if share is None:
            return False
        return share > self.threshold if self.strictly_more else share >= self.threshold

    def as_dict(self) -> dict[str, Any]:
        share = self.share
        return {
            "code": self.code,
            "label": str(self.label),
            "numerator": _plain(self.numerator, self.area),
            "denominator": _plain(self.denominator, self.area),
            "fraction": f"{_plain(self.numerator, self.area)}/{_plain(self.denominator, self.area)}",
            "reduced": "—" if share is None else f"{share.numerator}/{share.denominator}",
            "percent": "—" if share is None else percent(share),
            "threshold": f"{self.threshold.numerator}/{self.threshold.denominator}",
            "rule": ">" if self.strictly_more else "≥",
            "met": self.met,
        }


def _plain(value: Fraction, area: bool = False) -> str:
    """A count (12) or an area in m² (89.35, 2593.80) as people write it. Areas are sums
    of registered areas with two decimals, so the figure is exact."""
    if area:
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return str(exact.quantize(Decimal("0.01")))
    if value.denominator == 1:
        return str(value.numerator)
    return str(Decimal(value.numerator) / Decimal(value.denominator))


@dataclass(frozen=True)
class OwnerTally:
    special: bool
    conditions: tuple[Condition, ...]

    @property
    def quorum(self) -> bool:
        return all(c.met for c in self.conditions if c.code.startswith("quorum"))

    @property
    def passed(self) -> bool:
        return all(c.met for c in self.conditions)

    @property
    def failed(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]

    def as_dict(self) -> dict[str, Any]:
        return {
            "special": self.special,
            "quorum": self.quorum,
            "passed": self.passed,
            "conditions": [c.as_dict() for c in self.conditions],
            "failed": [c.code for c in self.failed],
        }


def owner_tally(
    *,
    total_area: Any,
    total_persons: int,
    voting_area: Any,
    voting_persons: int,
    approve_area: Any,
    approve_persons: int,
    special: bool,
) -> OwnerTally:
    """The four conditions of an owner vote, each with its figures."""
    total_a, voting_a, yes_a = (as_fraction(x) for x in (total_area, voting_area, approve_area))
    total_p, voting_p, yes_p = (
        Fraction(x) for x in (total_persons, voting_persons, approve_persons)
    )
    if special:
        bar, strictly = THREE_QUARTERS, False
        area_label = _("Approving area ≥ 3/4 of the participating area")
        person_label = _("Approving owners ≥ 3/4 of the participating owners")
    else:
        bar, strictly = HALF, True
        area_label = _("Approving area more than half of the participating area")
        person_label = _("Approving owners more than half of the participating owners")
    return OwnerTally(
        special=special,
        conditions=(
            Condition(
                "quorum_area",
                _("Participating area ≥ 2/3 of the total exclusive area"),
                voting_a,
                total_a,
                TWO_THIRDS,
                False,
                area=True,
            ),
            Condition(
                "quorum_persons",
                _("Participating owners ≥ 2/3 of all owners"),
                voting_p,
                total_p,
                TWO_THIRDS,
                False,
            ),
            Condition("approve_area", area_label, yes_a, voting_a, bar, strictly, area=True),
            Condition("approve_persons", person_label, yes_p, voting_p, bar, strictly),
        ),
    )
