from jiaoliuba.deliberation.models.comments import Comment
from jiaoliuba.deliberation.models.consensus import (
    ConsensusEvent,
    ConsensusPlacement,
    ConsensusQuestion,
    ConsensusResult,
    Statement,
    StatementFlag,
    StatementVote,
)
from jiaoliuba.deliberation.models.events import TopicEvent
from jiaoliuba.deliberation.models.follows import TopicFollow
from jiaoliuba.deliberation.models.meetings import (
    AgendaItem,
    Meeting,
    MeetingAct,
    MeetingEvent,
    MeetingParty,
    NegotiationRound,
    RoundStatement,
)
from jiaoliuba.deliberation.models.moderation import CommentFlag, SensitiveWord
from jiaoliuba.deliberation.models.participation import ParticipationAct
from jiaoliuba.deliberation.models.resolutions import (
    Milestone,
    Objection,
    OutcomeRating,
    ProgressPhoto,
    ProgressUpdate,
    Resolution,
    SupervisionCheck,
    Supervisor,
)
from jiaoliuba.deliberation.models.support import SupportThreshold, TopicSupport
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
    "AgendaItem",
    "Ballot",
    "Comment",
    "CommentFlag",
    "ConsensusEvent",
    "ConsensusPlacement",
    "ConsensusQuestion",
    "ConsensusResult",
    "Meeting",
    "MeetingAct",
    "MeetingEvent",
    "MeetingParty",
    "Milestone",
    "NegotiationRound",
    "Objection",
    "OutcomeRating",
    "ParticipationAct",
    "ProgressPhoto",
    "ProgressUpdate",
    "PropertyUnit",
    "Resolution",
    "RoundStatement",
    "SensitiveWord",
    "Statement",
    "StatementFlag",
    "StatementVote",
    "SupervisionCheck",
    "Supervisor",
    "SupportThreshold",
    "Topic",
    "TopicEvent",
    "TopicFollow",
    "TopicSupport",
    "UnitOwner",
    "UnitRegister",
    "Vote",
    "VoteEvent",
    "VoteOption",
    "VoterRecord",
]
