"""The legal rules as pure arithmetic: every boundary the issue names, on exact fractions."""

from decimal import Decimal
from fractions import Fraction

import pytest

from jiaoliuba.deliberation.voting.counting import as_fraction, owner_tally, percent


def tally(total_area, total_persons, voting_area, voting_persons, yes_area, yes_persons, special):
    return owner_tally(
        total_area=Decimal(total_area),
        total_persons=total_persons,
        voting_area=Decimal(voting_area),
        voting_persons=voting_persons,
        approve_area=Decimal(yes_area),
        approve_persons=yes_persons,
        special=special,
    )


def test_exactly_two_thirds_is_a_quorum():
    # 以上 includes the number itself (民法典 第一千二百五十九条).
    t = tally("300", 9, "200", 6, "200", 6, False)
    assert t.quorum and t.passed


def test_just_below_two_thirds_is_no_quorum():
    t = tally("300.00", 9, "199.99", 6, "199.99", 6, False)
    assert not t.quorum
    assert [c.code for c in t.failed] == ["quorum_area"]
    t = tally("300", 9, "300", 5, "300", 5, False)
    assert [c.code for c in t.failed] == ["quorum_persons"]


def test_exactly_half_fails_an_ordinary_matter():
    t = tally("100", 4, "100", 4, "50", 3, False)
    assert [c.code for c in t.failed] == ["approve_area"]
    t = tally("100", 4, "100", 4, "60", 2, False)
    assert [c.code for c in t.failed] == ["approve_persons"]
    t = tally("100", 4, "100", 4, "50.01", 3, False)
    assert t.passed


def test_exactly_three_quarters_passes_a_special_matter():
    t = tally("400", 8, "400", 8, "300", 6, True)
    assert t.passed
    t = tally("400", 8, "400", 8, "299.99", 6, True)
    assert [c.code for c in t.failed] == ["approve_area"]
    t = tally("400", 8, "400", 8, "300", 5, True)
    assert [c.code for c in t.failed] == ["approve_persons"]


def test_thirds_that_floats_would_get_wrong():
    # 0.1 + 0.2 style trouble: 2/3 of 0.03 m² is 0.02 exactly, with fractions.
    t = tally("0.03", 3, "0.02", 2, "0.02", 2, False)
    assert t.quorum


def test_figures_are_fractions_and_percentages():
    t = tally("300", 9, "200", 6, "101", 4, False)
    rows = {c["code"]: c for c in t.as_dict()["conditions"]}
    assert rows["quorum_area"]["fraction"] == "200.00/300.00"
    assert rows["quorum_area"]["reduced"] == "2/3"
    assert rows["quorum_area"]["percent"] == "66.67%"
    assert rows["quorum_area"]["rule"] == "≥"
    assert rows["approve_persons"]["fraction"] == "4/6"
    assert rows["approve_area"]["rule"] == ">"
    assert t.as_dict()["failed"] == []


def test_nobody_voting_fails_cleanly():
    t = tally("100", 2, "0", 0, "0", 0, False)
    assert not t.passed
    assert set(c.code for c in t.failed) == {
        "quorum_area",
        "quorum_persons",
        "approve_area",
        "approve_persons",
    }
    assert t.as_dict()["conditions"][2]["percent"] == "—"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        as_fraction(0.5)
    assert as_fraction(Decimal("89.35")) == Fraction(1787, 20)
    assert percent(Fraction(2, 3)) == "66.67%"
