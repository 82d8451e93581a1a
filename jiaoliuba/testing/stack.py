"""The production stack, started for real on this machine by the tests: a local S3 server
(moto's), gunicorn on a unix socket with the production settings, a worker, and nginx from
Debian's package with the repo's site config (deploy/nginx/jiaoliuba.conf) rewritten to
temporary paths and a free port. Every process is started in a group of its own and killed
with it, whatever happens (ProcessGroup)."""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)
DEPLOY = REPO / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "jiaoliuba.conf"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
S3_BUCKET = "jiaoliuba-media"
S3_KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing-secret"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


class ProcessGroup:
    """Processes started for a test; `stop_all` ends each one's whole process group
    (gunicorn's and nginx's workers too), politely, then for good."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: Mapping[str, str] | None = None) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(  # noqa: S603 - our own commands
            argv,
            env=dict(env) if env is not None else None,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=REPO,
        )

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited ({proc.returncode}):\n{self.log(name)}")

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop_all(self) -> None:
        for proc in self.procs.values():
            with _ignore_gone():
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            with _ignore_gone():
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@contextmanager
def _ignore_gone() -> Iterator[None]:
    try:
        yield
    except (ProcessLookupError, PermissionError):
        pass


def wait_for(check, *, seconds: float, what: str, group: ProcessGroup | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if group is not None:
            group.check_alive()
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} not ready after {seconds:.0f} s")


def _port_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def start_moto(group: ProcessGroup) -> dict[str, str]:
    """moto's S3 server as a process on a free port, with an empty private bucket; returns
    the S3_* settings that point the app at it."""
    import boto3  # noqa: PLC0415 - test extra only, imported when a test needs S3

    port = free_port()
    group.start("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)])
    wait_for(lambda: _port_open(port), seconds=30, what="moto's S3 server", group=group)
    env = {
        "S3_BUCKET": S3_BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "S3_REGION": "us-east-1",
        **S3_KEYS,
    }
    s3_client(env).create_bucket(Bucket=S3_BUCKET)
    return env


def s3_client(env: Mapping[str, str]):
    import boto3  # noqa: PLC0415 - test extra only, imported when a test needs S3

    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
    )


def bucket_keys(env: Mapping[str, str]) -> list[str]:
    listing = s3_client(env).list_objects_v2(Bucket=env["S3_BUCKET"])
    return [item["Key"] for item in listing.get("Contents", [])]
