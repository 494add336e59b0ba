"""An editor writes an article in CKEditor with a photo and submits it; the board head
publishes it; a citizen sees it on the home page. All in Chromium, against a live server."""
from io import BytesIO
from pathlib import Path

from PIL import Image
import pytest

from communes.models import Membership
from news.models import Article
from tests.factories import CategoryFactory, UserFactory, commune_with_host

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-thu-nghiem"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture
def newsroom(transactional_db):
    commune = commune_with_host(
        "thanhmien", "Thị trấn Thanh Miện", title_line="Trang thông tin điện tử thị trấn Thanh Miện"
    )
    category = CategoryFactory(commune=commune, name="Hoạt động Mặt trận")
    editor = UserFactory(username="bientap")
    head = UserFactory(username="truongban")
    Membership.objects.create(user=editor, commune=commune, role=Membership.Role.EDITOR)
    Membership.objects.create(user=head, commune=commune, role=Membership.Role.BOARD_HEAD)
    return commune, category


def _photo(tmp_path):
    image = Image.new("RGB", (1600, 1000), (40, 120, 60))
    for x in range(0, 1600, 100):
        image.paste((200, 16, 46), (x, 300, x + 50, 700))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated phone photo
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif)
    path = tmp_path / "hoi-nghi.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/quan-tri/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/quan-tri/")


def test_editor_writes_with_a_photo_head_publishes_citizen_reads(page, live_server, newsroom, tmp_path):
    commune, category = newsroom
    port = live_server.url.rsplit(":", 1)[1]
    base = f"http://thanhmien.localhost:{port}"
    page.set_viewport_size({"width": 1280, "height": 900})

    _login(page, base, "bientap")
    page.goto(f"{base}/quan-tri/news/article/add/")
    # Category: the autocomplete widget (select2) asks the scoped admin for choices.
    page.locator("#id_category").locator("xpath=following-sibling::span[contains(@class,'select2')]").click()
    page.locator(".select2-container--open .select2-search__field").fill("Mặt trận")
    page.locator(".select2-results__option", has_text="Hoạt động Mặt trận").click()
    page.fill("#id_title", "Mặt trận thị trấn ra quân Ngày Chủ nhật xanh")
    page.fill("#id_sapo", "Hơn 150 đoàn viên, hội viên tham gia làm sạch môi trường.")
    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.type("Sáng Chủ nhật, Ủy ban MTTQ thị trấn phối hợp với các đoàn thể ra quân.")
    page.keyboard.press("Enter")
    # Upload a photo through CKEditor's image button; the server runs it through Pillow.
    with page.expect_response(lambda r: "/quan-tri/tai-anh/" in r.url) as upload:
        file_input = page.locator(".ck-file-dialog-button input[type=file], input[type=file][accept*='image']")
        file_input.first.set_input_files(str(_photo(tmp_path)))
    assert upload.value.status == 200, upload.value.text()
    page.wait_for_selector(".ck-editor__editable img[src*='/media/renditions/body/']")
    # Without a description the form refuses the image, keeping everything typed.
    page.click("input[name=_submit_review]")
    assert "Ảnh trong nội dung cần có mô tả" in page.locator(".errorlist").first.inner_text()
    assert page.input_value("#id_title") == "Mặt trận thị trấn ra quân Ngày Chủ nhật xanh"
    page.locator(".ck-editor__editable img").first.click()
    page.locator("button[data-cke-tooltip-text='Đổi chữ alt của ảnh']").click()
    page.locator(".ck-balloon-panel_visible input").first.fill("Đoàn viên dọn vệ sinh đường làng")
    page.keyboard.press("Enter")
    page.click("input[name=_submit_review]")
    page.wait_for_selector(".messagelist")
    assert "gửi bài cho Trưởng Ban Biên tập" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(title="Mặt trận thị trấn ra quân Ngày Chủ nhật xanh")
    assert article.status == Article.Status.PENDING
    assert "/media/renditions/body/" in article.body
    # Not visible to citizens yet.
    assert page.goto(f"{base}/bai-viet/{article.slug}/").status == 404

    _login(page, base, "truongban")
    page.goto(f"{base}/quan-tri/news/article/{article.pk}/change/")
    page.click("input[name=_publish]")
    page.wait_for_selector(".messagelist")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/")
    assert page.get_by_role("link", name="Mặt trận thị trấn ra quân Ngày Chủ nhật xanh").first.is_visible()
    page.get_by_role("link", name="Mặt trận thị trấn ra quân Ngày Chủ nhật xanh").first.click()
    page.wait_for_url(f"{base}/bai-viet/{article.slug}/")
    assert page.locator("h1").inner_text() == "Mặt trận thị trấn ra quân Ngày Chủ nhật xanh"
    body_image = page.locator(".article__body img").first
    body_image.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", body_image.element_handle())
    # The rotated phone photo was stored upright: portrait (taller than wide).
    width, height = page.evaluate("(img) => [img.naturalWidth, img.naturalHeight]", body_image.element_handle())
    assert height > width
    assert page.locator(".article__body").count() == 1  # printed once
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "article-360.png"), full_page=True)


def test_text_size_control_works_with_the_keyboard_and_is_remembered(page, live_server, newsroom):
    from tests.factories import ArticleFactory

    commune, category = newsroom
    article = ArticleFactory(commune=commune, category=category, title="Bài để thử cỡ chữ")
    port = live_server.url.rsplit(":", 1)[1]
    url = f"http://thanhmien.localhost:{port}/bai-viet/{article.slug}/"
    page.goto(url)
    page.get_by_role("button", name="Tăng cỡ chữ").focus()
    page.keyboard.press("Enter")
    assert page.locator(".textsize__value").inner_text() == "115%"
    page.reload()
    assert page.locator(".textsize__value").inner_text() == "115%"
    size = page.evaluate("getComputedStyle(document.querySelector('[data-textsize-target]')).fontSize")
    assert size != "16px"
