from jiaoliuba.deliberation.models.topic import Topic
from jiaoliuba.deliberation.models.units import PropertyUnit, UnitOwner, UnitRegister
from jiaoliuba.deliberation.models.vote import (
    Ballot,
    Vote,
    VoteEvent,
    VoteOption,
    VoterRecord,
)

__all__ = [
    "Ballot",
    "PropertyUnit",
    "Topic",
    "UnitOwner",
    "UnitRegister",
    "Vote",
    "VoteEvent",
    "VoteOption",
    "VoterRecord",
]
