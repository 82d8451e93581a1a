from .auth import ApiToken, OneTimeCode, RecoveryCode
from .consent import GuardianConsent
from .resident import Household, ResidentProfile
from .role import DutyShift, RoleAssignment
from .user import User

__all__ = [
    "ApiToken",
    "DutyShift",
    "GuardianConsent",
    "Household",
    "OneTimeCode",
    "RecoveryCode",
    "ResidentProfile",
    "RoleAssignment",
    "User",
]
