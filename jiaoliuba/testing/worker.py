"""The real background worker, as a separate process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection


def database_url() -> str:
    """The test database as a DATABASE_URL the worker process can open."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _worker_env(env: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        **(env or {}),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }


def worker_once(*args: str) -> None:
    """One cycle of `jiaoliuba worker` (with `args`), as a separate process; fails the
    test if it does not exit cleanly within two minutes."""
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "jiaoliuba", "worker", "--once", *args],
        env=_worker_env(),
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextmanager
def worker_process(
    *, interval: float = 0.2, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """`jiaoliuba worker` running beside the test (with `env` added to its environment);
    stopped (and checked to have exited cleanly) when the block ends."""
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "jiaoliuba", "worker", "--interval", str(interval)],
        env=_worker_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
        assert proc.poll() is None, "worker exited"
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=15)
    assert proc.returncode in (0, -15), output


def wait_until(condition: Callable[[], bool], *, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()
