from .auth import ApiToken, OneTimeCode
from .resident import Household, ResidentProfile
from .role import RoleAssignment
from .user import User

__all__ = ["ApiToken", "Household", "OneTimeCode", "ResidentProfile", "RoleAssignment", "User"]
