import os
import shutil

# Playwright's sync API runs an event loop in the main thread; Django's ORM refuses to run
# there unless told the test process knows what it does.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "") not in ("", "0", "false")


def pytest_collection_modifyitems(config, items):
    """Browser tests skip with a message where Chromium is missing, except in CI."""
    if os.path.exists(CHROMIUM) or REQUIRE_BROWSER:
        return
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
        "(CI sets REQUIRE_BROWSER=1 and forbids this skip)."
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty cache (local memory, or Redis in CI)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _clean_test_media():
    from django.conf import settings

    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def commune_a(db):
    from tests.factories import commune_with_host

    return commune_with_host(
        "thanhmien", "Thị trấn Thanh Miện", title_line="Trang thông tin điện tử thị trấn Thanh Miện"
    )


@pytest.fixture
def commune_b(db):
    from tests.factories import commune_with_host

    return commune_with_host(
        "bimatzeta", "Xã Bí Mật Zeta", title_line="Trang thông tin điện tử xã Bí Mật Zeta",
        editorial_head_name="Hoàng Thị Zeta", address="Số 9 đường Zeta", email="zeta@example.vn",
    )


@pytest.fixture
def member_of(db):
    """member_of(commune, role) -> a user holding that role on that commune."""
    from tests.factories import MembershipFactory, UserFactory

    def make(commune, role, username=None):
        user = UserFactory(username=username or f"{role}.{commune.code}")
        MembershipFactory(user=user, commune=commune, role=role)
        user.refresh_from_db()
        return user

    return make
