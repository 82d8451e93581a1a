from .appeal import Appeal, AppealEvent, Attachment, IdempotencyRecord
from .handling import Extension, Mediation, MediationParty, MediationSession, Rating
from .rules import RoutingRule, RulebookVersion, TimeLimit
from .similarity import AppealBand, RiskAlert

__all__ = [
    "Appeal",
    "AppealBand",
    "AppealEvent",
    "Attachment",
    "Extension",
    "IdempotencyRecord",
    "Mediation",
    "MediationParty",
    "MediationSession",
    "Rating",
    "RiskAlert",
    "RoutingRule",
    "RulebookVersion",
    "TimeLimit",
]
