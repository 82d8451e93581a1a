from .appeal import Appeal, AppealEvent, Attachment, IdempotencyRecord
from .handling import Extension, Mediation, MediationParty, MediationSession, Rating
from .rules import RoutingRule, TimeLimit

__all__ = [
    "Appeal",
    "AppealEvent",
    "Attachment",
    "Extension",
    "IdempotencyRecord",
    "Mediation",
    "MediationParty",
    "MediationSession",
    "Rating",
    "RoutingRule",
    "TimeLimit",
]
