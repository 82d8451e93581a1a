"""A task for the worker tests: the first run marks a file and then works for a long
time (long enough to be killed in the middle); a run that finds the mark finishes at once,
as the project's real tasks do when they find their own work already done."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def mark_then_work(path: str, seconds: float) -> str:
    mark = Path(path)
    if mark.exists():
        return "resumed"
    mark.write_text("started")
    time.sleep(seconds)
    return "slept"
