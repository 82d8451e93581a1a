"""`jiaoliuba worker`: the background worker. Runs queued tasks (django-tasks-db), writes a
heartbeat that /healthz reports, enqueues periodic tasks when they are due, and puts back
the tasks a dead worker left running."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from jiaoliuba.core import clock, outboxes, periodic, services

QUIET_LOGGERS = ("django_tasks", "django_tasks_db", "jiaoliuba.core.periodic")


def quiet_task_logs(verbosity: int) -> None:
    """The batch runner logs "no more tasks" on every idle cycle and each task's start and
    end at INFO: beside `make run`'s server they bury the framed SMS code. Keep only
    warnings from them unless asked for more."""
    if verbosity < 2:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


class Command(BaseCommand):
    help = "Run the background worker (tasks, periodic sweeps, heartbeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to sleep when idle."
        )
        parser.add_argument(
            "--batch-size", type=int, default=50, help="Tasks per cycle between beats."
        )
        parser.add_argument("--once", action="store_true", help="Run one cycle and exit (tests).")
        parser.add_argument(
            "--queues",
            default="",
            help="Comma-separated queues to run (default: all but settings.WORKER_DEDICATED_QUEUES).",
        )

    def handle(self, *, interval: float, batch_size: int, once: bool, queues: str = "", **options):
        quiet_task_logs(options.get("verbosity", 1))
        # Minutes-long work (retraining triage) has its own queue and its own worker, so it
        # never holds up SMS codes, red alerts or this worker's heartbeat.
        queue_names = [q.strip() for q in queues.split(",") if q.strip()] or ["*"]
        excluded = [] if queues else list(settings.WORKER_DEDICATED_QUEUES)
        worker_id = f"{socket.gethostname()}-{os.getpid()}-{get_random_string(6)}"
        started_at = clock.now()
        self.stdout.write(f"worker {worker_id} started")
        # The beat comes from a thread of its own, so it stays fresh while a task runs for
        # minutes; a worker that stops beating is dead, and its running tasks are queued
        # again by the others (services.task_orphans_requeue).
        every = max(0.2, min(10.0, settings.WORKER_STALE_SECONDS / 4))
        stop = threading.Event()
        beat = threading.Thread(
            target=_beat_until,
            args=(stop, every, worker_id, started_at),
            name="heartbeat",
            daemon=True,
        )
        beat.start()
        last_reap = 0.0
        # The outboxes hold the default queue's work too; a dedicated worker leaves them.
        runs_outboxes = not queues or "default" in queue_names
        try:
            while True:
                close_old_connections()
                periodic.enqueue_due()
                if time.monotonic() - last_reap >= every:
                    services.task_orphans_requeue()
                    last_reap = time.monotonic()
                more = runs_outboxes and outboxes.run_all(limit=batch_size) >= batch_size
                # Batch mode returns once the queue is empty or batch_size tasks ran.
                runner = Worker(
                    queue_names=queue_names,
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=batch_size,
                    worker_id=worker_id[:64],
                    excluded_queue_names=excluded,
                )
                runner.configure_signals()
                runner.run()
                if once or not runner.running:
                    return
                if not more:
                    time.sleep(interval)
        finally:
            stop.set()
            beat.join(timeout=every + 5)


def _beat_until(stop: threading.Event, every: float, worker_id: str, started_at) -> None:
    try:
        while True:
            try:
                services.worker_heartbeat_beat(
                    worker_id=worker_id,
                    hostname=socket.gethostname(),
                    pid=os.getpid(),
                    started_at=started_at,
                )
            except Exception:  # a missed beat must not end the thread
                logging.getLogger(__name__).exception("heartbeat failed")
                close_old_connections()
            if stop.wait(every):
                return
    finally:
        connection.close()
