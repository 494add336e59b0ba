#!/usr/bin/env python
"""Create and fill a PostgreSQL database for bench/pages.py (once; running again adds nothing).

    .venv/bin/python bench/scale_data.py --database-url postgres://postgres@127.0.0.1:5432/mttq_bench \\
        --communes 3321 --articles 1000000

Creates the database when missing, migrates it, runs `manage.py generate_scale_data` (which skips
communes it made before) and ends with VACUUM ANALYZE, so the planner has statistics and index-only
scans see an up-to-date visibility map, as on a server that has been running for a while.
"""
import argparse
import os
from pathlib import Path
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def ensure_database(url, *, communes, articles, seed=1, out=print, progress=False):
    """Create, migrate and fill the database; ``progress`` shows the command's own progress lines."""
    import psycopg2

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"{url}: the benchmark databases are PostgreSQL (postgres://…).")
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            out(f"Creating database {name} …")
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.dev",
                "PYTHONUNBUFFERED": "1"})  # progress lines as they come, even into a pipe or a log
    started = time.perf_counter()
    out(f"{name}: migrate, then generate_scale_data --communes {communes} --articles {articles} --seed {seed} "
        "(nothing is added for communes made before) …")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "generate_scale_data", "--communes", str(communes),
                    "--articles", str(articles), "--seed", str(seed)], cwd=ROOT, env=env, check=True,
                   stdout=None if progress else subprocess.DEVNULL)
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("SELECT count(*) FROM news_article")
        count = cursor.fetchone()[0]
    conn.close()
    out(f"{name}: {count:,} articles ({time.perf_counter() - started:.0f} s).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL")
                        or "postgres://postgres@127.0.0.1:5432/mttq_bench")
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ensure_database(args.database_url, communes=args.communes, articles=args.articles, seed=args.seed,
                    progress=True)


if __name__ == "__main__":
    main()
