from .audit import AuditLog, SensitiveAccessLog
from .base import BaseModel
from .calendar import CalendarDay, CalendarYear
from .outbox import SmsOutbox
from .ratelimit import RateCounter
from .worker import PeriodicTaskRun, WorkerHeartbeat

__all__ = [
    "AuditLog",
    "BaseModel",
    "CalendarDay",
    "CalendarYear",
    "PeriodicTaskRun",
    "RateCounter",
    "SensitiveAccessLog",
    "SmsOutbox",
    "WorkerHeartbeat",
]
