"""Dashboards on a streaming read replica (core.dbrouting), against real clusters: the
test starts its own PostgreSQL primary (initdb, wal_level=replica) and a hot standby made
with pg_basebackup -R, then drives a Django process (replica_probe) pointed at both.

It proves: dashboard pages, exports and the API read on the replica; writes all go to the
primary and the replica refuses one sent by hand; a replica whose replay is paused answers
with its own older "数据截至" stamp and figures, without error; with the standby stopped,
the reads fall back to the primary and the fall-back is logged."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from jiaoliuba.testing.stack import free_port

PG_BIN = Path(os.environ.get("JIAOLIUBA_PG_BIN", "/usr/lib/postgresql/15/bin"))
REQUIRED = os.environ.get("JIAOLIUBA_REQUIRE_REPLICA") == "1"
DEADLINE = 85.0  # seconds for the whole test, clusters included (about 30 s here under load)
_until = [0.0]  # when the running test must be done
ROOT = Path(settings.BASE_DIR)


def _unavailable() -> str:
    if not (PG_BIN / "initdb").exists():
        return f"initdb not found in {PG_BIN} (JIAOLIUBA_PG_BIN)"
    return ""


def _left() -> float:
    """Seconds left before the test's deadline: every wait is bounded by it."""
    left = _until[0] - time.monotonic()
    if left <= 0:
        raise AssertionError(f"the replica test ran over {DEADLINE:.0f} s")
    return left


def _as_postgres(*args: str, timeout: float | None = None) -> str:
    command = [str(a) for a in args]
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout or _left(), check=False
    )
    if done.returncode:
        raise AssertionError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")
    return done.stdout


def _url(port: int) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/jiaoliuba"


def _sql(port: int, query: str, *, dbname: str = "jiaoliuba") -> Any:
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True
    ) as conn:
        cursor = conn.execute(query)
        row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None


class Cluster:
    def __init__(self, base: Path, name: str) -> None:
        self.dir = base / name
        self.log = base / f"{name}.log"
        self.port = free_port()

    def start(self) -> None:
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.dir, "-l", self.log, "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast", timeout: float | None = None) -> None:
        if (self.dir / "postmaster.pid").exists():
            _as_postgres(
                PG_BIN / "pg_ctl", "-D", self.dir, "-m", mode, "-w", "-t", "30", "stop",
                timeout=timeout,
            )  # fmt: skip

    def settings(self, lines: list[str]) -> None:
        with (self.dir / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n".join(lines) + "\n")


class Probe:
    """The Django process: one command per line in, one JSON answer per line out."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("w", encoding="utf-8") as errors:  # a file: a full pipe would block it
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jiaoliuba.dashboards.tests.replica_probe"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )

    def __call__(self, command: str) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], _left())
        if not ready:
            raise AssertionError(f"the probe did not answer {command!r} in time")
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the probe died: {self.log.read_text(encoding='utf-8')}")
        answer = json.loads(line)
        assert "error" not in answer, answer["error"]
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.communicate("quit\n", timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()


def _replayed(primary: Cluster, standby: Cluster) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    target = _sql(primary.port, "SELECT pg_current_wal_lsn()::text")
    while _left():
        if _sql(standby.port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.1)
    raise AssertionError("the standby did not catch up in time")


def _hhmmss(iso: str) -> str:
    from django.utils import timezone  # noqa: PLC0415 - after settings, in the test only
    from django.utils.dateparse import parse_datetime  # noqa: PLC0415

    moment = parse_datetime(iso)
    assert moment is not None
    return timezone.localtime(moment).strftime("%H:%M:%S")


# The marker makes pytest-django migrate the test database even when this test runs alone
# (it sets up only the databases that marked tests ask for): the schema is copied from it.
@pytest.mark.django_db
def test_dashboards_read_on_the_replica_tolerate_lag_and_fall_back():
    if connection.vendor != "postgresql":
        pytest.skip("the replica test runs in the PostgreSQL run (DATABASE_URL)")
    reason = _unavailable()
    if reason:
        if REQUIRED:
            pytest.fail(f"JIAOLIUBA_REQUIRE_REPLICA=1 but {reason}")
        pytest.skip(reason)
    _until[0] = time.monotonic() + DEADLINE
    base = Path(tempfile.mkdtemp(prefix="jiaoliuba-replica-"))
    primary, standby = Cluster(base, "primary"), Cluster(base, "standby")
    probe: Probe | None = None
    try:
        if os.geteuid() == 0:
            shutil.chown(base, "postgres")
        base.chmod(0o700)
        _as_postgres(
            PG_BIN / "initdb", "-D", primary.dir, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        with (primary.dir / "pg_hba.conf").open("a", encoding="utf-8") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        primary.settings(
            [
                f"port = {primary.port}",
                "listen_addresses = '127.0.0.1'",
                f"unix_socket_directories = '{base}'",
                "wal_level = replica",
                "max_wal_senders = 4",
                "hot_standby = on",
                "max_connections = 40",
                "shared_buffers = '32MB'",
                # a throw-away cluster: no need to survive a power cut. Commits still
                # wait for their WAL write (synchronous_commit stays on, free without
                # fsync): _replayed compares the replay with pg_current_wal_lsn(), the
                # *written* position, which an unwritten commit would be ahead of.
                "fsync = off",
                "full_page_writes = off",
            ]
        )
        primary.start()
        _sql(primary.port, "CREATE DATABASE jiaoliuba", dbname="postgres")
        # The schema the migrations built (pytest-django migrated the suite's test
        # database): copied onto the primary, the standby gets it by replication.
        source = connection.settings_dict
        dump = subprocess.run(
            [
                PG_BIN / "pg_dump", "--no-owner", "--no-privileges",
                "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
                "-U", source["USER"] or "postgres", source["NAME"],
            ],
            capture_output=True, timeout=_left(), check=True,
            env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
        )  # fmt: skip
        subprocess.run(
            [
                PG_BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", str(primary.port), "-U", "postgres", "-d", "jiaoliuba",
            ],
            input=dump.stdout, capture_output=True, timeout=_left(), check=True,
        )  # fmt: skip
        _as_postgres(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", standby.dir, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        standby.settings([f"port = {standby.port}"])
        standby.start()
        assert _sql(standby.port, "SELECT pg_is_in_recovery()") is True

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jiaoliuba.dashboards.tests.replica_settings",
            "DATABASE_URL": _url(primary.port),
            "DATABASE_REPLICA_URL": _url(standby.port),
            "DB_CONN_MAX_AGE": "60",
        }
        probe = Probe(env, base / "probe.log")

        seeded = probe("seed")
        assert seeded["pending_migrations"] == 0  # the primary has the migrated schema
        _replayed(primary, standby)

        # 1. Reads: the dashboards' tables are read on the replica only, nothing written.
        fresh = probe("read")
        assert fresh["status"] == [200, 200, 200]
        assert fresh["dashboard_tables"]["replica"] > 0
        assert fresh["dashboard_tables"]["default"] == 0, fresh
        assert fresh["writes"] == {"default": [], "replica": []}
        assert fresh["received"] == 3
        assert fresh["stamp"] == _hhmmss(seeded["as_of"])
        assert fresh["log"] == []

        # 2. Writes go to the primary only; the replica refuses one sent by hand.
        refused = probe("replica_write")
        assert "read-only" in refused["message"], refused
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            _sql(standby.port, "CREATE TABLE nothing_here (id int)")

        # 3. Lag: replay paused, a new appeal and a new rollup pass on the primary. The
        #    replica answers from before, with its own older stamp, and no error.
        _sql(standby.port, "SELECT pg_wal_replay_pause()")
        while _sql(standby.port, "SELECT pg_get_wal_replay_pause_state()") != "paused":
            _left()
            time.sleep(0.05)
        time.sleep(1.1)  # the next as_of shows another second
        written = probe("write")
        assert written["queries"]["replica"] == 0 and written["queries"]["default"] > 0
        assert written["as_of"] > seeded["as_of"]
        lagging = probe("read")
        assert lagging["status"] == [200, 200, 200]
        assert lagging["received"] == 3
        assert lagging["stamp"] == _hhmmss(seeded["as_of"]) != _hhmmss(written["as_of"])
        assert lagging["api_as_of"] == fresh["api_as_of"]
        assert lagging["primary_as_of"] == written["as_of"]
        assert lagging["dashboard_tables"]["default"] == 0

        _sql(standby.port, "SELECT pg_wal_replay_resume()")
        _replayed(primary, standby)
        caught_up = probe("read")
        assert caught_up["received"] == 4
        assert caught_up["stamp"] == _hhmmss(written["as_of"])

        # 4. The standby stopped: the same reads on the primary, and the log says so.
        standby.stop()
        fallen = probe("read")
        assert fallen["status"] == [200, 200, 200]
        assert fallen["queries"]["replica"] == 0
        assert fallen["dashboard_tables"]["default"] > 0
        assert fallen["received"] == 4 and fallen["stamp"] == _hhmmss(written["as_of"])
        assert any("read replica unavailable" in line for line in fallen["log"]), fallen["log"]
    finally:
        if probe is not None:
            probe.close()
        for cluster in (standby, primary):
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                cluster.stop("immediate", timeout=40)  # past the deadline too
        shutil.rmtree(base, ignore_errors=True)
