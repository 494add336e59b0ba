#!/usr/bin/env python
"""Counter exactness under load: 2 gunicorn instances × 4 workers, N beacon hits from 64 clients.

Usage (against the configured DATABASE_URL / REDIS_URL, after `manage.py load_demo`):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mttq REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/counter_load.py --hits 20000
Prints the requests per second and the counts before and after, which must differ by exactly
the number of distinct visitors (visits) and hits (page views).
"""
import argparse
import os
from pathlib import Path
import secrets
import sys
import time

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mttq_portal.settings.dev")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=20000)
    parser.add_argument("--per-visitor", type=int, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from communes.models import Commune
    from stats.counters import periods_at, visit_counter
    from stats.models import DailyVisit
    from tests.stats.test_load import fire, start_servers

    commune = Commune.objects.get(code="thanhmien")
    counter = visit_counter()
    counter.flush()
    day = periods_at(timezone.now()).today
    before = DailyVisit.objects.filter(commune=commune, day=day).values_list("visits", "page_views").first() or (0, 0)
    visitors = [secrets.token_hex(16) for _ in range(args.hits // args.per_visitor)]
    plan = [visitors[i % len(visitors)] for i in range(args.hits)]
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{settings.DATABASES['default']['NAME']}"
    servers = start_servers(database_url, os.environ.get("REDIS_URL", ""),
                            settings.CACHES["default"].get("KEY_PREFIX", "mttq"))
    started = time.perf_counter()
    try:
        failures = fire([port for _p, port in servers], plan)
    finally:
        elapsed = time.perf_counter() - started
        for process, _port in servers:
            process.terminate()
            process.wait(timeout=30)
    counter.flush()
    after = DailyVisit.objects.filter(commune=commune, day=day).values_list("visits", "page_views").first()
    print(f"store: {counter.name}; hits: {args.hits}; failures: {failures}; {args.hits / elapsed:,.0f} req/s")
    print(f"visits: {before[0]} -> {after[0]} (+{after[0] - before[0]}, expected +{len(visitors)})")
    print(f"page views: {before[1]} -> {after[1]} (+{after[1] - before[1]}, expected +{args.hits})")
    ok = after[0] - before[0] == len(visitors) and after[1] - before[1] == args.hits and failures == 0
    print("EXACT" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
