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
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import IO

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
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
        self.files: list[IO[bytes]] = []

    def start(self, name: str, argv: list[str], env: Mapping[str, str] | None = None) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.files.append(log)
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
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            # the group too: a worker its master left behind
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        for log in self.files:
            log.close()


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


# --- nginx ---------------------------------------------------------------------------


def tls_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (a day), as fullchain.pem and privkey.pem."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    chain, private = folder / "fullchain.pem", folder / "privkey.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return chain, private


def render_site(root: Path, *, https_port: int, http_port: int) -> str:
    """deploy/nginx/jiaoliuba.conf with its server paths moved under `root` and its ports
    on the loopback; each rewrite must find its text, so the test fails when the file
    changes under it rather than testing something else."""
    text = NGINX_SITE.read_text(encoding="utf-8")
    rewrites = [
        ("unix:/run/jiaoliuba/gunicorn.sock", f"unix:{root}/gunicorn.sock"),
        ("root /srv/jiaoliuba;", f"root {root};"),
        ("/etc/ssl/jiaoliuba/", f"{root}/tls/"),
        ("/var/log/nginx/", f"{root}/log/"),
        ("root /var/www/html;", f"root {root}/acme;"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
    ]
    for old, new in rewrites:
        assert old in text, f"deploy/nginx/jiaoliuba.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


def nginx_conf(root: Path) -> str:
    """The main nginx.conf around the site: in the foreground, everything under `root`."""
    temp = root / "nginx-temp"
    temps = "\n".join(
        f"    {kind}_temp_path {temp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/log/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {root}/log/access.log;
{temps}
    include {root}/site.conf;
}}
"""


def start_nginx(group: ProcessGroup, root: Path, *, https_port: int, http_port: int) -> Path:
    """nginx from Debian's package with the repo's site; returns the certificate to trust."""
    binary = nginx_binary()
    assert binary is not None, "nginx is not installed"
    for folder in ("log", "nginx-temp", "acme"):
        (root / folder).mkdir(exist_ok=True)
    chain, _key = tls_certificate(root / "tls")
    (root / "site.conf").write_text(
        render_site(root, https_port=https_port, http_port=http_port), encoding="utf-8"
    )
    (root / "nginx.conf").write_text(nginx_conf(root), encoding="utf-8")
    argv = [
        binary,
        "-p",
        f"{root}/",
        "-c",
        str(root / "nginx.conf"),
        "-e",
        str(root / "log/error.log"),
    ]
    checked = subprocess.run(  # noqa: S603 - nginx from the system, our config
        [*argv, "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
    )
    assert checked.returncode == 0, f"nginx -t: {checked.stderr}"
    group.start("nginx", argv)
    wait_for(lambda: _port_open(https_port), seconds=20, what="nginx", group=group)
    return chain


# --- the app -------------------------------------------------------------------------


def python_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This machine's environment for a child Python with the repo first on its path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def collectstatic(env: Mapping[str, str], *ignore: str) -> None:
    argv = [sys.executable, "-m", "jiaoliuba", "collectstatic", "--no-input", "-v0"]
    for pattern in ignore:
        argv += ["-i", pattern]
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        argv,
        env=python_env(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def start_gunicorn(group: ProcessGroup, env: Mapping[str, str], socket_path: Path) -> None:
    group.start(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "config.wsgi"],
        python_env(env),
    )
    wait_for(socket_path.exists, seconds=45, what="gunicorn's socket", group=group)


def start_worker(group: ProcessGroup, env: Mapping[str, str]) -> None:
    group.start(
        "worker",
        [sys.executable, "-m", "jiaoliuba", "worker", "--interval", "0.2"],
        python_env(env),
    )


# --- a client that can come from any loopback address ---------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Browser:
    """HTTPS to the local nginx from one source address (127.x.y.z), keeping cookies."""

    port: int
    cafile: Path
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        context = ssl.create_default_context(cafile=str(self.cafile))
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=context, timeout=30, source_address=(self.source, 0)
        )
        all_headers = dict(headers or {})
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response
