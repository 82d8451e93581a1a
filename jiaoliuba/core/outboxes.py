"""Queues kept in a module's own rows instead of task rows (an outbox): a new appeal's
`follow_up` column, say. Writing a flag in the row the request writes anyway costs a
partial index entry; a task row costs a table row and four indexes in the same commit.
The worker calls each function in settings.WORKER_OUTBOXES every cycle with the most
items it may take; each returns how many it took and must be safe to run twice at once
(two workers) or again after a crash (an item is cleared only after its work is done)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def run_all(*, limit: int) -> int:
    """Run every outbox once, up to `limit` items each; returns the most any one took, so
    the worker knows whether to look again at once."""
    most = 0
    for path in getattr(settings, "WORKER_OUTBOXES", []):
        try:
            taken = import_string(path)(limit=limit)
        except Exception:  # one broken outbox must not stop the worker or the others
            logger.exception("outbox %s failed", path)
            continue
        most = max(most, taken)
    return most
