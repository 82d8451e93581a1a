from .audit import AuditLog, SensitiveAccessLog
from .base import BaseModel
from .outbox import SmsOutbox
from .worker import PeriodicTaskRun, WorkerHeartbeat

__all__ = [
    "AuditLog",
    "BaseModel",
    "PeriodicTaskRun",
    "SensitiveAccessLog",
    "SmsOutbox",
    "WorkerHeartbeat",
]
