"""The editors' admin: workflow buttons, stale edits, uploads, revisions, moderation."""
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
import pytest

from communes.models import Membership
from news.models import Article, BodyImage, Comment
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory

HOST = "thanhmien.localhost"
ADD_URL = "/quan-tri/news/article/add/"


def _jpeg(size=(800, 600)):
    buffer = BytesIO()
    Image.new("RGB", size, (165, 14, 14)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _png():
    buffer = BytesIO()
    Image.new("RGB", (400, 300), (0, 90, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def _form(commune, category, **extra):
    data = {
        "commune": commune.pk, "category": category.pk, "title": "Hội nghị tổng kết công tác Mặt trận",
        "slug": "", "sapo": "Sapo bài viết.", "body": "<p>Nội dung bài.</p>", "cover_alt": "", "cover_caption": "",
        "author_byline": "Thanh Mai", "source": "", "published_at_0": "", "published_at_1": "",
        "gallery-TOTAL_FORMS": "0", "gallery-INITIAL_FORMS": "0", "gallery-MIN_NUM_FORMS": "0",
        "gallery-MAX_NUM_FORMS": "1000",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0", "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


@pytest.fixture
def desk(commune_a, member_of):
    return {
        "category": CategoryFactory(commune=commune_a, name="Tin tức"),
        "editor": member_of(commune_a, Membership.Role.EDITOR),
        "head": member_of(commune_a, Membership.Role.BOARD_HEAD),
    }


@pytest.mark.django_db
def test_editor_saves_a_hostile_paste_as_an_inert_draft_then_submits(client, commune_a, desk):
    client.force_login(desk["editor"])
    hostile = '<p>Chào<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a></p>'
    response = client.post(ADD_URL, _form(commune_a, desk["category"], body=hostile, _submit_review="1"),
                           HTTP_HOST=HOST)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.status == Article.Status.PENDING
    assert "<script" not in article.body and "onerror" not in article.body and "javascript:" not in article.body
    assert article.created_by == desk["editor"]
    assert article.revisions.count() == 1


@pytest.mark.django_db
def test_editor_cannot_publish_from_the_admin(client, commune_a, desk):
    client.force_login(desk["editor"])
    response = client.post(ADD_URL, _form(commune_a, desk["category"], _publish="1"), HTTP_HOST=HOST)
    assert response.status_code == 200
    assert "Chỉ Trưởng Ban Biên tập được đăng" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_board_head_publishes_from_the_admin(client, commune_a, desk):
    client.force_login(desk["head"])
    response = client.post(ADD_URL, _form(commune_a, desk["category"], _publish="1"), HTTP_HOST=HOST)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert client.get(article.get_absolute_url(), HTTP_HOST=HOST).status_code == 200


@pytest.mark.django_db
def test_second_person_saving_a_stale_copy_is_told_and_keeps_their_text(client, commune_a, desk):
    client.force_login(desk["editor"])
    client.post(ADD_URL, _form(commune_a, desk["category"]), HTTP_HOST=HOST)
    article = Article.objects.get()
    url = f"/quan-tri/news/article/{article.pk}/change/"
    # Both open version 1; the head saves first.
    from django.test import Client

    other = Client()
    other.force_login(desk["head"])
    saved = other.post(url, _form(commune_a, desk["category"], body="<p>Bản của trưởng ban.</p>",
                                  expected_version="1"), HTTP_HOST=HOST)
    assert saved.status_code == 302
    response = client.post(url, _form(commune_a, desk["category"], body="<p>Bản của biên tập viên.</p>",
                                      expected_version="1"), HTTP_HOST=HOST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "trong khi bạn đang sửa" in body
    assert "Bản của biên tập viên." in body  # nothing the editor typed is lost
    article.refresh_from_db()
    assert article.body == "<p>Bản của trưởng ban.</p>"


@pytest.mark.django_db
def test_png_renamed_jpg_cover_is_refused_with_the_form_kept(client, commune_a, desk):
    client.force_login(desk["editor"])
    cover = SimpleUploadedFile("anh-bia.jpg", _png(), content_type="image/jpeg")
    response = client.post(
        ADD_URL, _form(commune_a, desk["category"], cover=cover, cover_alt="Hội trường", title="Tiêu đề còn nguyên"),
        HTTP_HOST=HOST,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "nội dung là ảnh PNG" in body
    assert "Tiêu đề còn nguyên" in body
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_cover_needs_meaningful_alt_text(client, commune_a, desk):
    client.force_login(desk["editor"])
    cover = SimpleUploadedFile("bia.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(ADD_URL, _form(commune_a, desk["category"], cover=cover, cover_alt="ảnh tin bài"),
                           HTTP_HOST=HOST)
    assert "không ghi chung chung" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_cover_is_stored_with_renditions(client, commune_a, desk):
    client.force_login(desk["editor"])
    cover = SimpleUploadedFile("bia.jpg", _jpeg((2000, 1500)), content_type="image/jpeg")
    response = client.post(ADD_URL, _form(commune_a, desk["category"], cover=cover, cover_alt="Quang cảnh hội nghị"),
                           HTTP_HOST=HOST)
    assert response.status_code == 302
    article = Article.objects.get()
    assert set(article.renditions) == {"thumb", "content", "og"}
    assert article.renditions["og"]["width"] == 1200 and article.renditions["og"]["height"] == 630
    assert article.renditions["content"]["webp"].endswith(".webp")


@pytest.mark.django_db
def test_editor_image_upload_endpoint(client, commune_a, desk):
    url = "/quan-tri/tai-anh/"
    anonymous = client.post(url, {"upload": SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")},
                            HTTP_HOST=HOST)
    assert anonymous.status_code == 403
    client.force_login(desk["editor"])
    bad = client.post(url, {"upload": SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")},
                      HTTP_HOST=HOST)
    assert bad.status_code == 400
    assert "không phải là ảnh hợp lệ" in bad.json()["error"]["message"]
    good = client.post(url, {"upload": SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg")},
                       HTTP_HOST=HOST)
    assert good.status_code == 200
    assert good.json()["url"].startswith("/media/renditions/body/")
    assert BodyImage.objects.get().commune == commune_a


@pytest.mark.django_db
def test_revisions_compare_and_restore_in_the_admin(client, commune_a, desk):
    client.force_login(desk["editor"])
    client.post(ADD_URL, _form(commune_a, desk["category"], body="<p>Câu đầu tiên.</p>"), HTTP_HOST=HOST)
    article = Article.objects.get()
    client.post(f"/quan-tri/news/article/{article.pk}/change/",
                _form(commune_a, desk["category"], body="<p>Câu đã sửa.</p>", expected_version="1"), HTTP_HOST=HOST)
    listing = client.get(f"/quan-tri/news/article/{article.pk}/phien-ban/", HTTP_HOST=HOST)
    assert listing.status_code == 200
    compare = client.get(f"/quan-tri/news/article/{article.pk}/phien-ban/so-sanh/?tu=1&den=2", HTTP_HOST=HOST)
    import html
    import re

    text = html.unescape(re.sub(r"<[^>]+>", "", compare.content.decode())).replace("\xa0", " ")
    assert "Câu đầu tiên." in text and "Câu đã sửa." in text
    restore = client.post(f"/quan-tri/news/article/{article.pk}/phien-ban/1/khoi-phuc/", HTTP_HOST=HOST)
    assert restore.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Câu đầu tiên.</p>" and article.revisions.count() == 3


@pytest.mark.django_db
def test_revisions_of_another_commune_are_out_of_reach(client, commune_a, commune_b, member_of):
    article = ArticleFactory(commune=commune_b, title="Bài Zeta")
    from news.services import article_snapshot

    article_snapshot(article, None)
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    for url in [
        f"/quan-tri/news/article/{article.pk}/phien-ban/",
        f"/quan-tri/news/article/{article.pk}/phien-ban/so-sanh/?tu=1&den=1",
    ]:
        response = client.get(url, HTTP_HOST=HOST)
        assert response.status_code in (302, 403, 404)
        assert "Bài Zeta" not in response.content.decode()
    response = client.post(f"/quan-tri/news/article/{article.pk}/phien-ban/1/khoi-phuc/", HTTP_HOST=HOST)
    assert response.status_code in (302, 403, 404)
    assert article.events.filter(action="restored").count() == 0


@pytest.mark.django_db
def test_moderation_approves_and_erases_personal_data(client, commune_a, desk):
    article = ArticleFactory(commune=commune_a)
    comment = CommentFactory(article=article, status=Comment.Status.PENDING, name="Phạm Văn Bình",
                             email="binh@example.vn", body="Góp ý rất hay")
    client.force_login(desk["head"])
    page = client.get(article.get_absolute_url(), HTTP_HOST=HOST).content.decode()
    assert "Góp ý rất hay" not in page
    client.post("/quan-tri/news/comment/", {"action": "approve", "_selected_action": [comment.pk]}, HTTP_HOST=HOST)
    page = client.get(article.get_absolute_url(), HTTP_HOST=HOST).content.decode()
    assert "Góp ý rất hay" in page and "1 bình luận" in page
    client.post("/quan-tri/news/comment/", {"action": "erase_personal_data", "_selected_action": [comment.pk]},
                HTTP_HOST=HOST)
    comment.refresh_from_db()
    assert comment.email == "" and comment.name == "(đã xóa)" and comment.personal_data_erased_at


@pytest.mark.django_db
def test_absurd_date_filter_in_the_admin_is_refused_not_a_server_error(client, commune_a, desk):
    client.force_login(desk["editor"])
    response = client.get("/quan-tri/news/article/?published_at__year=99999999999", HTTP_HOST=HOST)
    assert response.status_code in (200, 302)
