"""Many app processes on two servers counting at once: no visit lost or counted twice.

Starts two real gunicorn instances (4 workers each) on 127.0.0.1 against the test database
(PostgreSQL) and Redis when configured, fires beacon hits from 64 concurrent clients, and
checks the exact counts. `bench/counter_load.py` runs the full 20,000-hit version.
"""
from concurrent.futures import ThreadPoolExecutor
import http.client
import os
from pathlib import Path
import secrets
import socket
import subprocess
import sys
import time

from django.db import connection
from django.utils import timezone
import pytest

from stats.counters import periods_at, visit_counter
from stats.models import DailyVisit
from tests.factories import commune_with_host

ROOT = Path(__file__).resolve().parents[2]
HITS = int(os.environ.get("COUNTER_LOAD_HITS", "4000"))
VISITORS = HITS // 10
CLIENTS = 64


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port, deadline=60):
    end = time.time() + deadline
    while time.time() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn on {port} did not start")


def start_servers(database_url, redis_url, prefix, count=2, workers=4):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production", "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "*", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": database_url, "CACHE_KEY_PREFIX": prefix, "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(ROOT / ".test-static"),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    servers = []
    for _ in range(count):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mttq_portal.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        servers.append((process, port))
    for _process, port in servers:
        _wait(port)
    return servers


def fire(ports, plan):
    """plan: list of (visitor cookie); each client keeps one connection to one server."""
    def client(index):
        port = ports[index % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        failures = 0
        for visitor in plan[index::CLIENTS]:
            conn.request("POST", "/thong-ke/b", body="p=%2F", headers={
                "Host": "thanhmien.localhost", "Cookie": f"mttq_vid={visitor}",
                "User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile",
                "Content-Type": "application/x-www-form-urlencoded",
            })
            response = conn.getresponse()
            response.read()
            failures += response.status != 204
        conn.close()
        return failures

    with ThreadPoolExecutor(CLIENTS) as pool:
        return sum(pool.map(client, range(CLIENTS)))


@pytest.mark.django_db(transaction=True)
def test_two_servers_times_four_workers_count_every_beacon_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("The multi-server load test needs PostgreSQL (DATABASE_URL); CI runs it.")
    commune = commune_with_host("thanhmien", "Thị trấn Thanh Miện", title_line="Trang thông tin điện tử thị trấn")
    settings_dict = connection.settings_dict
    database_url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/" \
                   f"{settings_dict['NAME']}"
    prefix = f"load{secrets.token_hex(4)}"
    from django.conf import settings

    redis_url = os.environ.get("REDIS_URL", "")
    visitors = [secrets.token_hex(16) for _ in range(VISITORS)]
    plan = [visitors[i % VISITORS] for i in range(HITS)]
    servers = start_servers(database_url, redis_url, prefix)
    try:
        failures = fire([port for _p, port in servers], plan)
    finally:
        for process, _port in servers:
            process.terminate()
        for process, _port in servers:
            process.wait(timeout=30)
    assert failures == 0
    # Read back through the same store the servers used.
    import stats.counters as counters

    counters._counter = None
    original_prefix = settings.CACHES["default"].get("KEY_PREFIX")
    settings.CACHES["default"]["KEY_PREFIX"] = prefix
    try:
        counter = visit_counter()
        counter.flush()
        snap = counter.snapshot(commune=commune)
    finally:
        settings.CACHES["default"]["KEY_PREFIX"] = original_prefix
        counters._counter = None
    assert snap.today == VISITORS
    assert snap.online == VISITORS
    row = DailyVisit.objects.get(commune=commune, day=periods_at(timezone.now()).today)
    assert (row.visits, row.page_views) == (VISITORS, HITS)
