"""Settings come from the environment, and production ones are safe by default."""
import os
from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).resolve().parent.parent
IGNORED_ENV = {
    "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE",
}
SECRET = "k" * 20 + "-not-a-real-secret-but-long-enough-for-checks-0123456789"


def run_django(args, **env):
    base = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def settings_value(expr, **env):
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    base = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    base.update(env)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_is_clean_with_production_settings():
    result = run_django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="mttq_portal.settings.production",
        SECRET_KEY=SECRET, ALLOWED_HOSTS="thanhmien.example.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django(["check"], DJANGO_SETTINGS_MODULE="mttq_portal.settings.production", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    prod = {"DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production", "SECRET_KEY": SECRET}
    assert settings_value("settings.DEBUG", **prod) == "False"
    assert settings_value("settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE", **prod) == "True"


def test_sqlite_by_default_and_postgres_from_database_url():
    dev = {"DJANGO_SETTINGS_MODULE": "mttq_portal.settings.dev"}
    assert settings_value("settings.DATABASES['default']['ENGINE']", **dev) == "django.db.backends.sqlite3"
    value = settings_value(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/mttq", **dev,
    )
    assert value == "django.db.backends.postgresql mttq"


def test_postgresql_connections_run_without_jit_unless_asked(db):
    """JIT compiling costs 40-50 ms on queries whose estimate passes jit_above_cost (the search)."""
    dev = {"DJANGO_SETTINGS_MODULE": "mttq_portal.settings.dev"}
    options = "settings.DATABASES['default']['OPTIONS'].get('options')"
    url = "postgres://postgres@127.0.0.1:5432/mttq"
    assert settings_value(options, DATABASE_URL=url, **dev) == "-c jit=off"
    assert settings_value(options, DATABASE_URL=url + "?options=-c%20work_mem%3D8MB", **dev) == (
        "-c work_mem=8MB -c jit=off")
    assert settings_value(options, DATABASE_URL=url, DB_JIT="1", **dev) == "None"
    from django.db import connection

    if connection.vendor == "postgresql":  # this run's own connection has it too
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"


def test_redis_cache_only_when_redis_url_is_set():
    dev = {"DJANGO_SETTINGS_MODULE": "mttq_portal.settings.dev"}
    assert settings_value("settings.CACHES['default']['BACKEND']", **dev).endswith("LocMemCache")
    assert settings_value(
        "settings.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/3", **dev
    ) == "django_redis.cache.RedisCache"


def test_hosts_and_trusted_origins_come_from_the_environment():
    env = {
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production", "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "a.gov.vn, .b.gov.vn", "CSRF_TRUSTED_ORIGINS": "https://a.gov.vn",
    }
    assert settings_value("settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS", **env) == (
        "['a.gov.vn', '.b.gov.vn'] ['https://a.gov.vn']"
    )


def test_language_and_time_zone_are_vietnamese():
    env = {"DJANGO_SETTINGS_MODULE": "mttq_portal.settings.dev"}
    assert settings_value("settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ", **env) == (
        "vi Asia/Ho_Chi_Minh True"
    )


def test_no_model_change_lacks_a_migration():
    result = run_django(["makemigrations", "--check", "--dry-run"], DJANGO_SETTINGS_MODULE="mttq_portal.settings.test")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_serves_versioned_static_files_with_long_cache_lifetimes(tmp_path):
    """collectstatic + WhiteNoise's manifest storage: hashed names, cached for a year, immutable."""
    env = {
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production", "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "*", "STATIC_ROOT": str(tmp_path / "static"), "SECURE_SSL_REDIRECT": "0",
    }
    collected = run_django(["collectstatic", "--noinput", "-v0"], **env)
    assert collected.returncode == 0, collected.stderr
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "from django.templatetags.static import static\n"
        "url = static('css/site.css')\n"
        "response = Client().get(url, HTTP_HOST='x.vn')\n"
        "print(json.dumps([url, response.status_code, response.headers.get('Cache-Control', '')]))\n"
    )
    base = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    base.update(env)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    import json
    import re

    url, status, cache_control = json.loads(result.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    assert status == 200
    assert "immutable" in cache_control and "max-age=315360000" in cache_control
