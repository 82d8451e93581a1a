from .audit import AuditLog, SensitiveAccessLog
from .base import BaseModel
from .calendar import CalendarDay, CalendarYear
from .idempotency import IdempotentRequest
from .outbox import SmsOutbox
from .ratelimit import RateCounter
from .worker import PeriodicTaskRun, WorkerHeartbeat

__all__ = [
    "AuditLog",
    "BaseModel",
    "CalendarDay",
    "CalendarYear",
    "IdempotentRequest",
    "PeriodicTaskRun",
    "RateCounter",
    "SensitiveAccessLog",
    "SmsOutbox",
    "WorkerHeartbeat",
]
