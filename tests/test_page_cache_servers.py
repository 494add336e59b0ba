"""The page cache across real app servers: two gunicorn instances × two workers on 127.0.0.1
sharing the cache (Redis in CI, files otherwise). Publishing in another process makes every
worker serve the new home, category and article pages at once; a signed-in editor of one
commune never gets a cached page, nor the other commune's."""
import http.client
import os
from pathlib import Path
import secrets
import subprocess
import sys
import tempfile

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
import pytest

from communes.models import Membership
from news import services
from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory, MembershipFactory, UserFactory, commune_with_host
from tests.stats.test_load import _free_port, _wait

ROOT = Path(__file__).resolve().parents[1]
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130 Mobile Safari/537.36"


def _database_url():
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _shared_cache(prefix, cache_dir):
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": prefix,
                            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}}}
    return {"default": {"BACKEND": "mttq_portal.file_cache.SharedFileCache", "LOCATION": cache_dir,
                        "KEY_PREFIX": prefix}}


def _get(port, path, host, cookie=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host, "User-Agent": UA}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, response.getheader("X-Page-Cache"), body


@pytest.mark.django_db(transaction=True)
def test_publishing_reaches_every_worker_of_every_server_at_once():
    commune_a = commune_with_host("thanhmien", "Thị trấn Thanh Miện", title_line="Trang thị trấn Thanh Miện")
    commune_b = commune_with_host("bimatzeta", "Xã Bí Mật Zeta", title_line="Trang xã Bí Mật Zeta")
    category = CategoryFactory(commune=commune_a, name="Tin hoạt động", slug="tin-hoat-dong")
    ArticleFactory(commune=commune_a, category=category, title="Bài đã đăng từ trước")
    ArticleFactory(commune=commune_b, title="Tin riêng của Bí Mật Zeta")
    draft = ArticleFactory(commune=commune_a, category=category, title="Tin mới vừa duyệt đăng",
                           status=Article.Status.PENDING, published_at=None)
    head = UserFactory(username="truongban")
    MembershipFactory(user=head, commune=commune_a, role=Membership.Role.BOARD_HEAD)
    editor = UserFactory(username="bientap")
    MembershipFactory(user=editor, commune=commune_a, role=Membership.Role.EDITOR)
    editor.refresh_from_db()

    prefix = f"pc{secrets.token_hex(4)}"
    cache_dir = tempfile.mkdtemp(prefix="mttq-page-cache-")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "mttq_portal.settings.production", "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "*", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": _database_url(), "CACHE_KEY_PREFIX": prefix, "CACHE_DIR": cache_dir,
        "LOG_LEVEL": "WARNING", "STATIC_ROOT": str(ROOT / ".test-static"), "PAGE_CACHE": "1",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    servers = []
    try:
        for _ in range(2):
            port = _free_port()
            servers.append((subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "mttq_portal.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port))
        for _process, port in servers:
            _wait(port)
        ports = [port for _p, port in servers]
        pages = ["/", category.get_absolute_url()]
        for port in ports:
            for path in pages:
                for _ in range(6):  # enough to reach both workers of the server
                    status, state, body = _get(port, path, "thanhmien.localhost")
                    assert status == 200 and "Tin mới vừa duyệt đăng" not in body
        assert state == "HIT"

        with override_settings(CACHES=_shared_cache(prefix, cache_dir)):
            services.article_publish(article=draft, by=head)

        for port in ports:
            for path in pages + [draft.get_absolute_url()]:
                for _ in range(6):
                    status, state, body = _get(port, path, "thanhmien.localhost")
                    assert status == 200 and "Tin mới vừa duyệt đăng" in body, (port, path, state)
            zeta = _get(port, "/", "bimatzeta.localhost")[2]
            assert "Tin riêng của Bí Mật Zeta" in zeta and "Tin mới vừa duyệt đăng" not in zeta

        # A signed-in editor of commune A: never a cached page, and on B's host only B's page.
        client = Client()
        client.force_login(editor)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        for port in ports:
            status, state, own = _get(port, "/", "thanhmien.localhost", cookie)
            assert status == 200 and state is None and "Tin mới vừa duyệt đăng" in own
            status, state, other = _get(port, "/", "bimatzeta.localhost", cookie)
            assert status == 200 and state is None
            assert "Tin riêng của Bí Mật Zeta" in other and "Thanh Miện" not in other
    finally:
        for process, _port in servers:
            process.terminate()
        for process, _port in servers:
            process.wait(timeout=30)
