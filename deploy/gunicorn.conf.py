"""gunicorn for 交流吧, run by deploy/systemd/jiaoliuba-web.service:

    gunicorn -c deploy/gunicorn.conf.py config.wsgi

Each value can be changed from the environment (GUNICORN_*, listed in
deploy/jiaoliuba.env.example). The workers are stateless: sessions, cache and rate-limit
counters live in Redis, uploads in S3 or on disk, so any number of them, on any number of
machines, serve the same site (docs/scaling.md)."""

import multiprocessing
import os

# nginx connects through this socket; systemd makes /run/jiaoliuba (RuntimeDirectory).
bind = os.environ.get("GUNICORN_BIND", "unix:/run/jiaoliuba/gunicorn.sock")
# The socket is read and written by the service's group (www-data, nginx's) only.
umask = int(os.environ.get("GUNICORN_UMASK", "007"), 8)

# Sync workers: a request holds one worker; nginx buffers slow clients and uploads, so a
# worker is busy only while Django works. Threads (gthread) help when requests wait on
# the network (an SMS gateway); each thread holds its own database connection.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# A request still running after this is killed (and logged); nginx waits a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Workers are replaced after this many requests (spread out), bounding any slow leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
proc_name = "jiaoliuba"
# Logs to stdout/stderr: journald keeps them (journalctl -u jiaoliuba-web).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client addresses go in the access log as nginx sent them.
access_log_format = '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss'
