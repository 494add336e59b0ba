#!/usr/bin/env python
"""Public pages under load: gunicorn with production settings on 127.0.0.1, measured with wrk.

    .venv/bin/python bench/pages.py [--quick] [--servers 2] [--compare-small] [--no-explain]

Against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mttq_bench, filled by
bench/scale_data.py) and Redis when reachable. For the busiest commune it measures the
home page, a category's page 1 and page 500, an article, a report, two searches and the counter
beacon; for each it prints requests per second, p50/p95/p99 latency, SQL queries per request and
the ratio to a minimal Django view returning the same number of bytes on the same server, measured
around it (half the time right before, half right after). Three phases: page cache off
(PAGE_CACHE=0; the targets' "without the page cache"), then on, then "bare": the page cache and
the per-commune parts both off (COMMUNE_PARTS=0; article and home only), to show what those parts
save. Also: the beacon's counts checked exactly, each worker's memory before and after ≥ 20,000
more page requests, EXPLAIN of the pages' queries (--explain, on by default), what a second app
server adds (--servers 2) and how the pages compare with a 1,000-article database (--compare-small).
bench/README.md explains the figures. This prints figures and PASS/FAIL against the targets; it is
not a test (exit status 0 unless it cannot run).
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
import http.client
import json
import math
import os
from pathlib import Path
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mttq_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
SECRET_KEY = secrets.token_urlsafe(64)  # a new one per run, for every server this run starts
BROWSER = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) " \
          "Chrome/130.0 Mobile Safari/537.36"
MEMORY_LIMIT_MB = 150
FLAT_GROWTH_MB = 5  # "flat": no worker grew by more than this between the two readings

WRK_SCRIPT = r"""
wrk.method = "%(method)s"
wrk.headers["Host"] = "%(host)s"
wrk.headers["User-Agent"] = "%(agent)s"
wrk.headers["Accept"] = "text/html,*/*"
wrk.headers["Accept-Language"] = "vi-VN,vi;q=0.9"
%(extra)s
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%.0f, "duration_us": %%.0f, "bytes": %%.0f, "connect": %%.0f, "read": %%.0f, ' ..
    '"write": %%.0f, "status": %%.0f, "timeout": %%.0f, "p50_us": %%.0f, "p95_us": %%.0f, "p99_us": %%.0f, ' ..
    '"max_us": %%.0f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""
# For the memory top-up: every page target in turn.
WRK_MIX = r"""
local paths = {%(paths)s}
local i = 0
function request()
  i = i + 1
  return wrk.format(nil, paths[(i %% #paths) + 1])
end
"""


# -- arguments and environment ----------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=None,
                        help="default: env REDIS_URL, else redis://127.0.0.1:6379/12 if it answers; "
                             "'none' for the per-process memory cache")
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per measurement (10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of wrk before each measurement (2)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: WEB_CONCURRENCY or 2 per core, as gunicorn.conf.py)")
    parser.add_argument("--quick", action="store_true",
                        help="3 s per measurement, 1 s warm-up, 5,000 requests between the memory readings")
    parser.add_argument("--servers", type=int, choices=(1, 2), default=1,
                        help="2: also load two app servers at once and show what the second adds")
    parser.add_argument("--explain", action=argparse.BooleanOptionalAction, default=True,
                        help="EXPLAIN (ANALYZE, BUFFERS) of every SELECT the pages run (PostgreSQL; default on)")
    parser.add_argument("--compare-small", action="store_true",
                        help="also measure a 1,000-article database (<name>_1k, built if missing)")
    parser.add_argument("--small-database-url", default=None, help="default: the database URL with _1k appended")
    parser.add_argument("--beacons", type=int, default=2000, help="beacons sent for the exact count (2,000)")
    parser.add_argument("--memory-requests", type=int, default=None,
                        help="page requests after the measured runs, in four steps, the workers' memory read "
                             "after each (20,000; 5,000 with --quick; 0: none)")
    parser.add_argument("--phases", default="uncached,cached,bare",
                        help="any of uncached, cached, bare (page cache and commune parts off; article and home "
                             "only), comma-separated (default: all three)")
    parser.add_argument("--static-root", default=str(ROOT / "staticfiles"))
    parser.add_argument("--targets-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        if args.duration == 10:
            args.duration = 3
        if args.warmup == 2:
            args.warmup = 1
    if args.memory_requests is None:
        args.memory_requests = 5000 if args.quick else 20000
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not set(args.phases) <= {"uncached", "cached", "bare"}:
        parser.error("--phases: uncached, cached, bare")
    return args


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it (bench/install-wrk.sh)…", flush=True)
        subprocess.run(["sh", str(ROOT / "bench" / "install-wrk.sh")], check=False,
                       stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing and could not be installed: as root run bench/install-wrk.sh "
                 "(apt-get install -y wrk), then run this again.")


def redis_choice(option):
    """(url or "", how it was chosen)."""
    if option:
        return ("", "none (per-process memory cache)") if option == "none" else (option, "--redis-url")
    url = os.environ.get("REDIS_URL")
    if url:
        return url, "env REDIS_URL"
    try:
        import redis

        redis.Redis.from_url(DEFAULT_REDIS_URL, socket_connect_timeout=1).ping()
        return DEFAULT_REDIS_URL, "default, reachable"
    except Exception:
        return "", f"none: {DEFAULT_REDIS_URL} does not answer (per-process memory cache)"


def server_env(*, database_url, redis_url, prefix, page_cache, static_root, workers=None, commune_parts=True):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "BIND")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production",
        "DEBUG": "0", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "*",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0", "BENCH_VIEWS": "1", "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": prefix, "STATIC_ROOT": static_root, "PAGE_CACHE": "1" if page_cache else "0",
        "COMMUNE_PARTS": "1" if commune_parts else "0", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
    })
    if redis_url:
        env["REDIS_URL"] = redis_url
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env



def masked(url):
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def commit_hash():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + ("+uncommitted" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def setup_django(env):
    """This process reads the same database and cache as the servers, with the page cache off."""
    os.environ.update({**env, "PAGE_CACHE": "0"})
    if not env.get("REDIS_URL"):
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


# -- targets ------------------------------------------------------------------------------------------

def pick_targets():
    """The busiest commune's pages, chosen through the ORM: [{name, host, path, method, ...}]."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from communes.models import Commune, CommuneHost
    from news import selectors, views
    from news.models import Article, Category
    from reports.models import ReportSummary

    page_size = getattr(selectors, "PAGE_SIZE", None) or getattr(views, "PAGE_SIZE", None) or 10

    now = timezone.now()
    live = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=now,
                                  commune__merged_into__isnull=True)
    top = live.values("commune_id").annotate(n=Count("id")).order_by("-n", "commune_id").first()
    if top is None:
        raise SystemExit("The database has no published article: run manage.py generate_scale_data first.")
    commune = Commune.objects.get(pk=top["commune_id"])

    def host_of(commune_id):
        host = CommuneHost.objects.filter(commune_id=commune_id).order_by("-is_primary", "hostname").first()
        if host is None:
            raise SystemExit(f"Commune {commune_id} has no host name.")
        return host.hostname

    host = host_of(commune.pk)
    article = Article.objects.published(commune).order_by("-published_at", "-id").first()
    biggest = (Article.objects.published(commune).values("category_id").annotate(n=Count("id"))
               .order_by("-n", "category_id").first())
    category = Category.objects.get(pk=biggest["category_id"])
    # What the category page lists: its own published articles and its children's.
    listed = Article.objects.published(commune).filter(Q(category=category) | Q(category__parent=category)).count()
    last_page = max(1, math.ceil(listed / page_size))
    deep_page = min(500, last_page)
    report = ReportSummary.objects.published(commune).order_by("-published_at", "-id").first()
    report_host = host
    if report is None:
        report = (ReportSummary.objects.filter(status=ReportSummary.Status.PUBLISHED, published_at__lte=now)
                  .order_by("-published_at", "-id").first())
        report_host = host_of(report.commune_id) if report else None
    number = re.search(r"(\d+)\)?$", article.title)
    rare = number.group(1) if number else max(article.title.split(), key=len)
    targets = [
        {"name": "home", "host": host, "path": "/"},
        {"name": "category p1", "host": host, "path": f"{category.get_absolute_url()}?trang=1"},
        {"name": f"category p{deep_page}", "host": host, "path": f"{category.get_absolute_url()}?trang={deep_page}",
         "deep": True, "note": f"page {deep_page} of {last_page} ({listed:,} articles in «{category.name}»)"},
        {"name": "article", "host": host, "path": article.get_absolute_url()},
    ]
    if report is not None:
        targets.append({"name": "report", "host": report_host, "path": report.get_absolute_url()})
    targets += [
        {"name": "search common", "host": host, "path": "/tim-kiem/?q=mat+tran", "search": True},
        {"name": "search rare", "host": host, "path": f"/tim-kiem/?q={rare}", "search": True},
        {"name": "beacon", "host": host, "path": "/thong-ke/b", "method": "POST", "body": "p=%2F",
         "content_type": "application/x-www-form-urlencoded", "beacon": True},
    ]
    info = {
        "commune_id": commune.pk, "commune": commune.name, "host": host, "articles_in_commune": top["n"],
        "articles": Article.objects.count(), "communes": Commune.objects.count(),
        "report": "none published" if report is None else report.get_absolute_url(),
    }
    for target in targets:
        target.setdefault("method", "GET")
    return targets, info


def unapplied_migrations():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return [f"{m.app_label}.{m.name}" for m, _backwards in executor.migration_plan(executor.loader.graph.leaf_nodes())]


def targets_elsewhere(database_url):
    """Pick the targets of another database in a child process (this one is bound to its own)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    out = subprocess.run([sys.executable, __file__, "--targets-json"], env=env, capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"Could not pick the targets in {masked(database_url)}:\n{out.stderr[-2000:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["targets"], data["info"]


# -- servers ------------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn (gunicorn.conf.py) on 127.0.0.1:<port>."""

    def __init__(self, env, label):
        self.port = free_port()
        self.label = label
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "mttq_portal.wsgi"],
            cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{self.port}"}, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait(self, workers_expected, deadline=90):
        end = time.time() + deadline
        while time.time() < end:
            if self.process.poll() is not None:
                break
            try:
                status, _h, _b = fetch(self.port, "localhost", "/healthz")
                if status == 200 and len(self.workers()) >= workers_expected:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        tail = Path(self.log.name).read_text(errors="replace")[-3000:]
        self.stop()
        raise SystemExit(f"gunicorn ({self.label}) did not start; its log ends with:\n{tail}")

    def workers(self):
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return sorted(int(pid) for pid in children)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def minimal_check(port, host):
    status, headers, body = fetch(port, host, "/__bench__/bytes/1234/")
    if status != 200 or len(body) != 1234 or "x-query-count" not in headers:
        raise SystemExit(f"The minimal view answered HTTP {status} with {len(body)} bytes (expected 200 and 1234, "
                         "with X-Query-Count): is BENCH_VIEWS wired in mttq_portal/urls.py and settings?")


def fetch(port, host, path, method="GET", body=None, content_type=None, agent=BROWSER):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host, "User-Agent": agent, "Accept": "text/html,*/*"}
    if content_type:
        headers["Content-Type"] = content_type
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def memory(pids):
    """{pid: (RSS MB, PSS MB)} from /proc (PSS shares the pages a preloaded master left in common)."""
    result = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            pss = int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) / 1024
        except (OSError, AttributeError):
            continue
        result[pid] = (rss, pss)
    return result


# -- wrk ------------------------------------------------------------------------------------------------

def lua_string(value):
    return value.replace("\\", "\\\\").replace('"', '\\"')


def wrk_script(target, mix_paths=None):
    extra = ""
    if target.get("body"):
        extra += f'wrk.body = "{lua_string(target["body"])}"\n'
    if target.get("content_type"):
        extra += f'wrk.headers["Content-Type"] = "{lua_string(target["content_type"])}"\n'
    if mix_paths:
        extra += WRK_MIX % {"paths": ", ".join(f'"{lua_string(p)}"' for p in mix_paths)}
    text = WRK_SCRIPT % {"method": target.get("method", "GET"), "host": lua_string(target["host"]),
                         "agent": lua_string(BROWSER), "extra": extra}
    handle = tempfile.NamedTemporaryFile("w", prefix="bench-wrk-", suffix=".lua", delete=False)
    handle.write(text)
    handle.close()
    return handle.name


def wrk_start(port, target, *, duration, connections, threads, mix_paths=None):
    script = wrk_script(target, mix_paths)
    # wrk takes whole seconds only.
    command = ["wrk", f"-t{max(1, min(threads, connections))}", f"-c{connections}", f"-d{max(1, round(duration))}s",
               "--timeout", "30s", "-s", script, f"http://127.0.0.1:{port}{target['path']}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.script = script
    process.connections = connections
    return process


def wrk_result(process):
    out, err = process.communicate()
    Path(process.script).unlink(missing_ok=True)
    line = next((line for line in out.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}\n{err}")
    data = json.loads(line[len("BENCH_JSON "):])
    seconds = data["duration_us"] / 1e6
    data["rps"] = data["requests"] / seconds if seconds else 0.0
    data["connections_used"] = process.connections
    data["errors"] = data["connect"] + data["read"] + data["write"] + data["timeout"]
    for key in ("p50", "p95", "p99", "max"):
        data[f"{key}_ms"] = data.pop(f"{key}_us") / 1000
    return data


def wrk(port, target, **options):
    return wrk_result(wrk_start(port, target, **options))


# -- measurements -------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args, workers):
        self.args = args
        self.workers = workers
        self.load = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
        self.page_requests = 0  # page requests (not the minimal view) of the measured runs

    def check(self, port, target):
        """Fetch once; returns (ok, status, bytes, queries, cache header)."""
        status, headers, body = fetch(port, target["host"], target["path"], target["method"], target.get("body"),
                                      target.get("content_type"))
        ok = status in ((204, 200) if target.get("beacon") else (200,))
        return ok, status, len(body), headers.get("x-query-count", "?"), headers.get("x-page-cache", "-")

    def measure(self, port, target):
        """Warm the page, then measure it between two runs of the minimal view of the same size (half the
        duration each, so a machine that slows down or speeds up during the run affects both alike)."""
        result = dict(target)
        ok, status, size, _q, _c = self.check(port, target)
        result.update(status=status, bytes=size)
        if not ok:
            result["error"] = f"HTTP {status}"
            return result
        wrk(port, target, duration=self.args.warmup, connections=self.args.connections, threads=self.args.threads)
        # Steady state: the second request of a warmed page (a page cache HIT when the cache keeps it).
        _ok, status, size, queries, cache = self.check(port, target)
        result.update(bytes=size, queries=queries, cache=cache)
        minimal = {"host": target["host"], "path": f"/__bench__/bytes/{size}/", "method": "GET"}
        half = {**self.load, "duration": max(1, round(self.args.duration / 2))}
        before = wrk(port, minimal, **half)
        result["run"] = wrk(port, target, **self.load)
        after = wrk(port, minimal, **half)
        seconds = (before["duration_us"] + after["duration_us"]) / 1e6
        result["minimal"] = {"rps": (before["requests"] + after["requests"]) / seconds if seconds else 0,
                             "status": before["status"] + after["status"], "errors": before["errors"] + after["errors"]}
        self.page_requests += result["run"]["requests"]
        if target.get("search"):
            # With more connections than workers, latency is mostly the wait for a worker: here the
            # same search with one connection per worker, so p95 is the search's own time under load.
            result["per_worker"] = wrk(port, target, **{**self.load, "connections": self.workers})
            self.page_requests += result["per_worker"]["requests"]
        result["ratio"] = result["run"]["rps"] / result["minimal"]["rps"] if result["minimal"]["rps"] else 0
        return result

    def top_up(self, port, targets, pids):
        """``--memory-requests`` more page requests, in four steps, reading the workers' memory after each:
        every page in turn, except search, slow enough to take the whole time for itself.
        Returns [(page requests so far, memory)]."""
        pages = [t for t in targets if t["method"] == "GET" and not t.get("error") and not t.get("search")]
        readings = []
        if not pages or self.args.memory_requests <= 0:
            return readings
        step = math.ceil(self.args.memory_requests / 4)
        rps = max(20.0, sum(t["run"]["rps"] for t in pages) / len(pages))
        done = 0
        while done < self.args.memory_requests:
            goal = min(self.args.memory_requests, done + step)
            while done < goal:
                seconds = min(120, max(2, math.ceil((goal - done) / rps * 1.05)))
                print(f"  … page requests for the memory readings: {done:,} of {self.args.memory_requests:,} "
                      f"(next {seconds} s, every page in turn)", flush=True)
                run = wrk(port, pages[0], duration=seconds, connections=self.args.connections,
                          threads=self.args.threads, mix_paths=[t["path"] for t in pages])
                if run["requests"] == 0:
                    return readings
                rps = max(20.0, run["rps"])
                done += run["requests"]
            readings.append((done, memory(pids)))
        return readings


def beacon_exactness(port, target, count, commune_id):
    """Send exactly ``count`` beacons (new connection each, no cookie, one new visitor each) and read
    the counters the pages show, before and after."""
    from django.utils import timezone

    from communes.models import Commune
    from stats.counters import periods_at, visit_counter
    from stats.models import DailyVisit

    commune = Commune.objects.get(pk=commune_id)
    counter = visit_counter()

    def page_views():
        counter.flush()  # Redis store: copies the absolute counts to the database (idempotent)
        row = DailyVisit.objects.filter(commune=commune, day=periods_at(timezone.now()).today).first()
        return row.page_views if row else 0

    time.sleep(1.5)  # requests wrk left in flight are answered by now
    day = periods_at(timezone.now()).today
    before, views_before = counter.snapshot(commune=commune), page_views()
    run = secrets.token_hex(4)

    def one(index):
        status, _h, _b = fetch(port, target["host"], target["path"], "POST", target["body"], target["content_type"],
                               agent=f"{BROWSER} bench-{run}-{index}")
        return status

    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    after, views_after = counter.snapshot(commune=commune), page_views()
    failed = sum(1 for s in statuses if s != 204)
    same_day = periods_at(timezone.now()).today == day
    got = {"visits today": after.today - before.today, "visits in total": after.total - before.total,
           "page views today": views_after - views_before}
    exact = failed == 0 and same_day and all(v == count for v in got.values())
    return {"count": count, "failed": failed, "got": got, "exact": exact, "same_day": same_day,
            "store": counter.name, "rps": count / elapsed}


# -- EXPLAIN --------------------------------------------------------------------------------------------------

INDEX_RE = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?(?: using| on) (\S+)")
SEQ_RE = re.compile(r"Seq Scan on (\S+)")


def explain(targets, out):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        out("EXPLAIN skipped: the database is not PostgreSQL.")
        return
    seen = {}
    summary = []
    for target in targets:
        if target["method"] != "GET" or target["name"] == "search rare":
            continue
        client = Client(HTTP_HOST=target["host"], HTTP_USER_AGENT=BROWSER, raise_request_exception=False)
        client.get(target["path"])  # first: host lookup and per-process caches filled
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target["path"])
        selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        out("")
        out(f"=== EXPLAIN {target['name']}: {target['path']} (HTTP {response.status_code}, "
            f"{len(captured.captured_queries)} queries, {len(selects)} SELECT; page cache off, after one warm-up "
            f"request)")
        indexes, seqs = [], []
        for number, sql in enumerate(selects, 1):
            if sql in seen:
                out(f"--- [{number}] same query as {seen[sql]}")
                continue
            seen[sql] = f"{target['name']} [{number}]"
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            out(f"--- [{number}] {shorten(sql, 400)}")
            for line in plan:
                out(f"      {line}")
                indexes += [m.group(2) for m in INDEX_RE.finditer(line)]
                seqs += [m.group(1) for m in SEQ_RE.finditer(line)]
        summary.append((target["name"], sorted(set(indexes)), sorted(set(seqs))))
    out("")
    out("Indexes used per page (and sequential scans, fine on small tables such as categories):")
    for name, indexes, seqs in summary:
        out(f"  {name:<16} indexes: {', '.join(indexes) or '-'}")
        if seqs:
            out(f"  {'':<16} seq scans: {', '.join(seqs)}")


def shorten(sql, limit):
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else sql[:limit] + f"… ({len(sql)} chars)"


# -- the small database ----------------------------------------------------------------------------------------

def small_url_for(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_1k"))


# -- printing --------------------------------------------------------------------------------------------------

def mark(ok):
    return "PASS" if ok else "FAIL"


def target_checks(phase, result):
    """The issue's targets that apply to this row: [(ok, text)]."""
    checks = []
    name, run = result["name"], result.get("run")
    if run is None:
        return checks
    queries = int(result["queries"]) if str(result.get("queries", "")).isdigit() else None
    if name == "article" and phase == "cached":
        checks.append((result["ratio"] >= 0.60, "≥60% of minimal"))
    if name == "article" and phase == "uncached":
        checks.append((result["ratio"] >= 0.05, "≥5% of minimal"))
        checks.append((queries is not None and queries <= 10, "≤10 queries"))
    if name == "home" and phase == "uncached":
        checks.append((result["ratio"] >= 0.03, "≥3% of minimal"))
        checks.append((queries is not None and queries <= 15, "≤15 queries"))
    if result.get("beacon"):
        checks.append((result["ratio"] >= 0.35, "≥35% of minimal"))
    if result.get("search"):
        checks.append((run["p95_ms"] < 200, f"p95 <200 ms at {run['connections_used']} connections"))
        if result.get("per_worker"):
            per = result["per_worker"]
            checks.append((per["p95_ms"] < 200, f"p95 <200 ms at {per['connections_used']} connections"))
    if run["status"] or run["errors"]:
        checks.append((False, f"{run['status']} bad statuses, {run['errors']} socket errors"))
    return checks


def table(phase, results, out):
    header = (f"{'target':<16} {'bytes':>7} {'SQL/req':>7} {'cache':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'minimal':>8} {'ratio':>6}  target")
    out(header)
    out("-" * len(header))
    for r in results:
        if r.get("error"):
            out(f"{r['name']:<16} {r['path']}  ERROR: {r['error']} on the first request (not measured)")
            continue
        run = r["run"]
        checks = "; ".join(f"{mark(ok)} {text}" for ok, text in target_checks(phase, r))
        out(f"{r['name']:<16} {r['bytes']:>7,} {r['queries']:>7} {r['cache']:>6} {run['rps']:>8,.0f} "
            f"{run['p50_ms']:>7.1f} {run['p95_ms']:>7.1f} {run['p99_ms']:>7.1f} {r['minimal']['rps']:>8,.0f} "
            f"{r['ratio']:>6.1%}  {checks}")
    for r in results:
        if r.get("per_worker"):
            per = r["per_worker"]
            out(f"  {r['name']} with {per['connections_used']} connections (one per worker): {per['rps']:,.0f} req/s, "
                f"p50 {per['p50_ms']:.1f} ms, p95 {per['p95_ms']:.1f} ms, p99 {per['p99_ms']:.1f} ms")
    for r in results:
        if r.get("note"):
            out(f"  {r['name']}: {r['note']}")


def print_memory(warm, before, measured, readings, out):
    """RSS after the warm-up, after the measured runs, then after each step of the extra page requests.
    Flat: from "after the measured runs" to the last reading, no worker grew by more than FLAT_GROWTH_MB."""
    requests = readings[-1][0] if readings else 0
    short = "" if requests >= 20000 else " (fewer than 20,000: the target's measure needs the full run)"
    steps = " | ".join(f"+{n:,}" for n, _m in readings)
    out(f"Worker memory, RSS in MB: after warm-up | after the measured runs ({measured:,} page requests) | after "
        f"{steps or 'no'} more page requests{short}; PSS (shared pages counted once) at the last two readings")
    last = readings[-1][1] if readings else before
    ok_all = True
    for pid in sorted(before):
        if pid not in last:
            out(f"  worker {pid}: gone (restarted?)")
            ok_all = False
            continue
        trend = [warm.get(pid, (float("nan"),))[0], before[pid][0]] + [m.get(pid, (float("nan"),))[0]
                                                                      for _n, m in readings]
        growth = last[pid][0] - before[pid][0]
        ok = growth <= FLAT_GROWTH_MB and max(trend) < MEMORY_LIMIT_MB
        ok_all &= ok
        out(f"  worker {pid}: RSS " + " | ".join(f"{x:.1f}" for x in trend)
            + f"  ({growth:+.1f} over the last {requests:,})   PSS {before[pid][1]:.1f} -> {last[pid][1]:.1f}   "
            f"{mark(ok)} (<{MEMORY_LIMIT_MB} MB, growth ≤{FLAT_GROWTH_MB} MB)")
    for pid in sorted(set(last) - set(before)):
        out(f"  worker {pid}: new since the first reading (a worker was restarted)")
        ok_all = False
    return ok_all


# -- main ------------------------------------------------------------------------------------------------------

def main():
    args = parse_args()
    if args.targets_json:  # child mode for targets_elsewhere()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.dev")
        import django

        django.setup()
        targets, info = pick_targets()
        print(json.dumps({"targets": targets, "info": info}))
        return

    def out(line=""):
        print(line, flush=True)

    ensure_wrk()
    redis_url, redis_how = redis_choice(args.redis_url)
    prefix = f"bench{secrets.token_hex(3)}"
    env = server_env(database_url=args.database_url, redis_url=redis_url, prefix=prefix, page_cache=False,
                     static_root=args.static_root, workers=args.workers)
    setup_django(env)
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        pending = unapplied_migrations()
    except OperationalError as error:
        sys.exit(f"Cannot read {masked(args.database_url)}: {str(error).strip()}\n"
                 "Build it with bench/scale_data.py (make bench-data) or pass --database-url.")
    if pending:
        sys.exit(f"{masked(args.database_url)} lacks migrations {', '.join(pending[:5])}"
                 f"{'…' if len(pending) > 5 else ''}: run `DATABASE_URL=… manage.py migrate` (or bench/scale_data.py, "
                 "which migrates) first.")
    targets, info = pick_targets()
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    out(f"bench/pages.py — {time.strftime('%Y-%m-%d %H:%M:%S')}, commit {commit_hash()}")
    out(f"settings: gunicorn {workers} sync workers (preload, gunicorn.conf.py) on 127.0.0.1, production settings; "
        f"wrk {args.connections} connections, {args.threads} threads, {args.duration:g} s per run after "
        f"{args.warmup:g} s warm-up; {os.cpu_count()} cores shared by wrk and the server; "
        f"DB {masked(args.database_url)} ({connection.vendor}, {info['articles']:,} articles, "
        f"{info['communes']:,} communes); cache {masked(redis_url) if redis_url else 'local memory'} "
        f"[{redis_how}], key prefix {prefix}; {wrk_version.strip()}")
    load = os.getloadavg()
    out(f"machine load average before the run: {' '.join(f'{x:.2f}' for x in load)}"
        + (f" — BUSY: more than {os.cpu_count()} runnable processes already; every figure below is depressed and "
           "noisy" if load[0] > (os.cpu_count() or 1) else ""))
    out(f"commune: {info['commune']} (host {info['host']}, {info['articles_in_commune']:,} published articles)")
    out("minimal view: /__bench__/bytes/<same bytes>/ on the same server, measured around each target (half the "
        "duration right before it, half right after, same connections); ratio = target req/s ÷ minimal req/s")

    out("")
    out(f"collectstatic into {args.static_root} …")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)

    if args.explain:
        explain(targets, out)

    bench = Bench(args, workers)
    for phase in args.phases:
        cached = phase == "cached"
        bare = phase == "bare"
        phase_env = server_env(database_url=args.database_url, redis_url=redis_url, prefix=prefix, page_cache=cached,
                               static_root=args.static_root, workers=args.workers, commune_parts=not bare)
        out("")
        out("=== Phase: " + ("page cache and commune parts OFF (PAGE_CACHE=0 COMMUNE_PARTS=0): for comparison, "
                             "no target applies" if bare else
                             f"page cache {'ON (PAGE_CACHE=1)' if cached else 'OFF (PAGE_CACHE=0)'}"))
        server = Server(phase_env, phase)
        try:
            server.wait(workers)
            minimal_check(server.port, targets[0]["host"])
            pids = server.workers()
            phase_targets = [t for t in targets if not cached or not (t.get("search") or t.get("beacon"))]
            if bare:
                phase_targets = [t for t in targets if t["name"] in ("article", "home")]
            # Warm every worker on every target before the first memory reading.
            for target in phase_targets:
                if bench.check(server.port, target)[0]:
                    wrk(server.port, target, duration=args.warmup, connections=args.connections, threads=args.threads)
            mem_warm = memory(pids)
            bench.page_requests = 0
            results = []
            for target in phase_targets:
                print(f"  measuring {target['name']} {target['path']} …", flush=True)
                results.append(bench.measure(server.port, target))
            out("")
            table(phase, results, out)
            if cached:
                out("  (search and the beacon never use the page cache: measured in the other phase only)")
            beacon = next((r for r in results if r.get("beacon") and not r.get("error")), None)
            if beacon is not None:
                check = beacon_exactness(server.port, beacon, args.beacons, info["commune_id"])
                growth = ", ".join(f"{k} +{v:,}" for k, v in check["got"].items())
                verdict = "EXACT" if check["exact"] else (
                    "DAY CHANGED during the check: run again" if not check["same_day"] else "NOT EXACT")
                out(f"Beacon exactness ({check['store']} store): {check['count']:,} beacons sent after the wrk run, "
                    f"one new visitor each, {check['failed']} not answered 204, {check['rps']:,.0f} req/s; "
                    f"{growth} (expected +{check['count']:,} each): {verdict}")
            if not bare:  # memory is read in the two main phases
                measured = bench.page_requests
                mem_before = memory(pids)
                readings = bench.top_up(server.port, results, pids)
                print_memory(mem_warm, mem_before, measured, readings, out)
            if cached and args.servers == 2:
                two_servers(server, phase_env, results, workers, args, out)
        finally:
            server.stop()

    if args.compare_small:
        compare_small(args, redis_url, prefix, workers, targets, info, out)

    if redis_url:
        cleanup(redis_url, prefix)
    out("")
    out(f"machine load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def two_servers(first, env, results, workers, args, out):
    """The cached article and its minimal view on one server, then on two at once (half the connections each)."""
    article = next((r for r in results if r["name"] == "article" and not r.get("error")), None)
    if article is None:
        out("Two servers: no article measured.")
        return
    second = Server(env, "second")
    try:
        second.wait(workers)
        minimal = {"host": article["host"], "path": f"/__bench__/bytes/{article['bytes']}/", "method": "GET"}
        half = max(1, args.connections // 2)
        out("")
        out(f"=== Two app servers on 127.0.0.1 (ports {first.port}, {second.port}), {workers} workers each, "
            f"one wrk per server with {half} connections each, at the same time")
        for label, target in (("article (cached phase)", article), ("minimal view, same bytes", minimal)):
            for port in (first.port, second.port):
                wrk(port, target, duration=args.warmup, connections=half, threads=args.threads)
            one = wrk(first.port, target, duration=args.duration, connections=args.connections, threads=args.threads)
            runs = [wrk_start(port, target, duration=args.duration, connections=half, threads=args.threads)
                    for port in (first.port, second.port)]
            both = [wrk_result(process) for process in runs]
            combined = sum(r["rps"] for r in both)
            p50 = max(r["p50_ms"] for r in both)
            out(f"  {label:<26} 1 server {one['rps']:>8,.0f} req/s (p50 {one['p50_ms']:.1f} ms)   "
                f"2 servers {combined:>8,.0f} req/s (p50 {p50:.1f} ms)   second adds {combined / one['rps'] - 1:+.0%}")
        out(f"  ({os.cpu_count()} cores for both servers and wrk: a second server on the same machine adds processes, "
            "not CPU; on its own machine it would add its cores.)")
    finally:
        second.stop()


def compare_small(args, redis_url, prefix, workers, large_targets, large_info, out):
    """Uncached article, home and deepest category page here and on a 1,000-article database: two servers
    up at once (the idle one costs nothing), each page measured on one right after the other."""
    from scale_data import ensure_database  # bench/scale_data.py, next to this file

    url = args.small_database_url or small_url_for(args.database_url)
    ensure_database(url, communes=20, articles=1000, seed=1, out=out)
    small_targets, info = targets_elsewhere(url)
    out("")
    out(f"=== Page cache off: this database vs {masked(url)} ({info['articles']:,} articles, {info['communes']:,} "
        f"communes; busiest commune {info['host']} with {info['articles_in_commune']:,}), same load, back to back")
    common = {"redis_url": redis_url, "page_cache": False, "static_root": args.static_root, "workers": args.workers}
    large = Server(server_env(database_url=args.database_url, prefix=prefix, **common), "large")
    small = Server(server_env(database_url=url, prefix=prefix + "s", **common), "small")
    bench = Bench(args, workers)
    load = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
    warm = {**load, "duration": args.warmup}
    try:
        large.wait(workers)
        small.wait(workers)
        out(f"{'page (large / small)':<28} {'p50 large':>9} {'p50 small':>9} {'ratio':>6} {'req/s large':>11} "
            f"{'req/s small':>11}  target")
        for key in ("article", "home", "deep"):
            def find(targets, key=key):
                return next(t for t in targets if (t.get("deep") if key == "deep" else t["name"] == key))

            pair = ((large, find(large_targets)), (small, find(small_targets)))
            runs = []
            for server, target in pair:
                ok, status, _b, _q, _c = bench.check(server.port, target)
                if not ok:
                    out(f"{target['name']:<28} {server.label} database: HTTP {status} for {target['path']}")
                    break
                wrk(server.port, target, **warm)
                runs.append(wrk(server.port, target, **load))
            if len(runs) != 2:
                continue
            ratio = runs[0]["p50_ms"] / runs[1]["p50_ms"] if runs[1]["p50_ms"] else float("inf")
            label = f"{pair[0][1]['name']} / {pair[1][1]['name'].split()[-1]}" if key == "deep" else key
            out(f"{label:<28} {runs[0]['p50_ms']:>9.1f} {runs[1]['p50_ms']:>9.1f} {ratio:>6.2f} "
                f"{runs[0]['rps']:>11,.0f} {runs[1]['rps']:>11,.0f}  {mark(ratio <= 1.3)} ≤1.3× the small one")
        out(f"  (large: {large_info['articles']:,} articles, {large_info['communes']:,} communes; p50 latency in ms "
            "with the same connections, threads and duration)")
    finally:
        large.stop()
        small.stop()


def cleanup(redis_url, prefix):
    """Copy the visit counters to the database, then drop this run's keys (pages, counters) from Redis."""
    try:
        from stats.counters import visit_counter

        visit_counter().flush()
        import redis

        client = redis.Redis.from_url(redis_url)
        for pattern in (f"{prefix}:*", f"{prefix}s:*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            for start in range(0, len(keys), 500):
                client.delete(*keys[start:start + 500])
    except Exception as error:  # the figures are printed already
        print(f"(could not clean this run's Redis keys: {error})")


if __name__ == "__main__":
    main()
