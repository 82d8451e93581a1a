"""Counting a vote from its ballot box. Everything here reads the stored ballots only, so
the result can be recomputed at any time and must equal what was stored at close."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from jiaoliuba.deliberation.models import Ballot, Vote, VoterRecord
from jiaoliuba.deliberation.voting.choices import SPECIAL_MATTERS, ApprovalChoice, Channel
from jiaoliuba.deliberation.voting.counting import owner_tally, percent


def _dec(value: Any) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def compute_result(vote: Vote) -> dict[str, Any]:
    """The tally as plain JSON: per option the ballots (and for owner votes the area),
    blank ballots, the turnout from the register, and for owner votes the four legal
    conditions with fractions, percentages and which failed."""
    options = list(vote.options.all())
    counts = {o.position: 0 for o in options}
    areas = {o.position: Decimal(0) for o in options}
    ballots = 0
    blank = 0
    area_total = Decimal(0)
    by_channel = {Channel.ONLINE.value: 0, Channel.PAPER.value: 0}
    for choices, area, channel in Ballot.objects.filter(vote=vote).values_list(
        "choices", "area", "channel"
    ):
        ballots += 1
        by_channel[channel] = by_channel.get(channel, 0) + 1
        weight = Decimal(area or 0)
        area_total += weight
        if not choices:
            blank += 1
        for position in choices:
            counts[position] += 1
            areas[position] += weight
    voters = VoterRecord.objects.filter(vote=vote).count()
    result: dict[str, Any] = {
        "ballots": ballots,
        "blank": blank,
        "voters": voters,
        "by_channel": by_channel,
        "options": [
            {
                "position": o.position,
                "label": o.label,
                "code": o.code,
                "count": counts[o.position],
                "percent": percent(Fraction(counts[o.position], ballots)) if ballots else "—",
                **({"area": _dec(areas[o.position])} if vote.is_owner_vote else {}),
            }
            for o in options
        ],
    }
    if vote.is_owner_vote:
        approve = next((o.position for o in options if o.code == ApprovalChoice.APPROVE), None)
        legal = owner_tally(
            total_area=vote.total_area or Decimal(0),
            total_persons=vote.total_persons or 0,
            voting_area=area_total,
            voting_persons=ballots,
            approve_area=areas.get(approve, Decimal(0)) if approve is not None else Decimal(0),
            approve_persons=counts.get(approve, 0) if approve is not None else 0,
            special=vote.owner_matter in SPECIAL_MATTERS,
        )
        result["owner"] = {
            "total_area": _dec(vote.total_area or 0),
            "total_persons": vote.total_persons or 0,
            "voting_area": _dec(area_total),
            "voting_persons": ballots,
            **legal.as_dict(),
        }
    else:
        top = max(counts.values(), default=0)
        result["leading"] = [o.position for o in options if top and counts[o.position] == top]
    return result
