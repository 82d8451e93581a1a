from .auth import ApiToken, OneTimeCode, RecoveryCode
from .resident import Household, ResidentProfile
from .role import DutyShift, RoleAssignment
from .user import User

__all__ = [
    "ApiToken",
    "DutyShift",
    "Household",
    "OneTimeCode",
    "RecoveryCode",
    "ResidentProfile",
    "RoleAssignment",
    "User",
]
