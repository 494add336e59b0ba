"""gunicorn settings shared by `make run`-style serving, deployment and bench/pages.py.

    .venv/bin/gunicorn -c gunicorn.conf.py mttq_portal.wsgi

Everything a machine changes comes from the environment:

HOST, PORT (127.0.0.1, 8000) or BIND (e.g. "0.0.0.0:8000", wins over both); WEB_CONCURRENCY (sync worker
processes, 2 per CPU core by default); GUNICORN_TIMEOUT (30 s); ACCESS_LOG=1 (or a path) for an access
log on stdout (off by default: the reverse proxy logs requests).
"""
import os

_cores = os.cpu_count() or 1
_host = os.environ.get("HOST") or "127.0.0.1"
_port = os.environ.get("PORT") or "8000"

bind = [os.environ.get("BIND") or f"{_host}:{_port}"]
# Sync workers: every request holds one process; pages do their reads in a few milliseconds and
# the slow clients are the reverse proxy's business.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores)
# Load Django once in the master: workers start at once and share the imported code copy-on-write.
preload_app = True
# No max_requests: a worker is never recycled, so a leak shows (bench/pages.py measures it).
max_requests = 0
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 10
# The heartbeat file on tmpfs, not on a disk that may stall.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
_access = os.environ.get("ACCESS_LOG", "")
accesslog = None if _access in ("", "0") else ("-" if _access == "1" else _access)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn 27's control socket defaults to one fixed path per user: two instances on one machine
# would fight over it, and nothing here uses it.
control_socket_disable = True
