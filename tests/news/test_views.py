"""What a citizen sees on the public news pages, through the test client on a real database.

Visibility (drafts, pending, withdrawn, scheduled and other communes' articles stay hidden
everywhere), the article page, comments, the home page, category and tag pages, search,
robots.txt, sitemap.xml, RSS, the staff preview, and a number of SQL queries that does not
grow with the data.
"""
from datetime import UTC, datetime, timedelta
import html
import re
from types import SimpleNamespace
import unicodedata
import uuid
from xml.etree import ElementTree

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
import django_ratelimit.core
import pytest

from communes.models import Membership
from mttq_portal.vietnamese import VN_TZ
from news import feeds, services
from news.forms import CONSENT_TEXT
from news.models import Article, ArticleDailyView, Comment, GalleryImage
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, TagFactory

HOST_A = "thanhmien.localhost"
HOST_B = "bimatzeta.localhost"
BROWSER_UA = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")

pytestmark = pytest.mark.django_db


# -- helpers ------------------------------------------------------------------------------------

def get(client, path, host=HOST_A, **extra):
    return client.get(path, HTTP_HOST=host, **extra)


def post(client, path, data, host=HOST_A, **extra):
    return client.post(path, data, HTTP_HOST=host, **extra)


def page(response):
    return response.content.decode()


def visible_text(response):
    """The page as a reader reads it: tags dropped, entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", page(response))
    return re.sub(r"\s+", " ", html.unescape(without_tags))


def chunk(response, start, end):
    """The part of the page from the first ``start`` to the next ``end`` (both kept)."""
    content = page(response)
    begin = content.index(start)
    return content[begin : content.index(end, begin) + len(end)]


def vn_today():
    return timezone.localtime(timezone.now(), VN_TZ).date()


def comment_data(**overrides):
    """A comment form as a reader fills it; the test settings accept "PASSED" as the captcha."""
    data = {
        "name": "Trần Thị Bình",
        "email": "binh.tran@example.vn",
        "body": "Đề nghị Ban Biên tập đăng thêm ảnh hội nghị ở khu 3.",
        "consent": "on",
        "captcha_0": "ma-bat-ky",
        "captcha_1": "PASSED",
        "submission_id": str(uuid.uuid4()),
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return [(item.findtext("title"), item.findtext("link")) for item in channel.findall("item")]


def sitemap_locations(response):
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [node.text for node in ElementTree.fromstring(response.content).findall("s:url/s:loc", namespace)]


def queries_of(client, path, host=HOST_A, **extra):
    """Number of SQL queries one request runs when rendered (the page must answer 200). The page
    cache is off here: a cached page runs none, which would make any comparison vacuous."""
    with override_settings(PAGE_CACHE=False), CaptureQueriesContext(connection) as captured:
        response = get(client, path, host=host, **extra)
    assert response.status_code == 200
    assert response.get("X-Page-Cache") is None
    return len(captured.captured_queries)


# -- visibility ---------------------------------------------------------------------------------

def _past():
    return timezone.now() - timedelta(days=1)


def _future():
    return timezone.now() + timedelta(days=2)


HIDDEN_KINDS = {
    "draft": ("bản nháp", lambda: {"status": Article.Status.DRAFT, "published_at": None}),
    "draft_with_old_time": ("nháp có giờ cũ", lambda: {"status": Article.Status.DRAFT, "published_at": _past()}),
    "pending": ("chờ duyệt", lambda: {"status": Article.Status.PENDING, "published_at": None}),
    "withdrawn": ("đã gỡ", lambda: {"status": Article.Status.WITHDRAWN, "published_at": _past()}),
    "scheduled": ("hẹn giờ", lambda: {"status": Article.Status.PUBLISHED, "published_at": _future()}),
    "other_commune": ("xã khác", lambda: {"status": Article.Status.PUBLISHED, "published_at": _past()}),
}


@pytest.fixture
def site(commune_a, commune_b):
    """Both communes have a "Tin tức" category and a "Đại hội" tag (same slugs); A has one
    visible article in them."""
    cat_a = CategoryFactory(commune=commune_a, name="Tin tức")
    cat_b = CategoryFactory(commune=commune_b, name="Tin tức")
    tag_a = TagFactory(commune=commune_a, name="Đại hội")
    tag_b = TagFactory(commune=commune_b, name="Đại hội")
    visible = ArticleFactory(
        commune=commune_a, category=cat_a, title="Tin công khai zirconi", published_at=_past() - timedelta(hours=1),
        sapo="Sapo công khai.", body="<p>Thân bài công khai.</p>",
    )
    visible.tags.add(tag_a)
    ArticleDailyView.objects.create(article=visible, day=vn_today(), views=1)
    return SimpleNamespace(a=commune_a, b=commune_b, cat_a=cat_a, cat_b=cat_b, tag_a=tag_a, tag_b=tag_b,
                           visible=visible)


def _hidden_article(site, kind):
    label, fields = HIDDEN_KINDS[kind]
    other = kind == "other_commune"
    article = ArticleFactory(
        commune=site.b if other else site.a, category=site.cat_b if other else site.cat_a,
        title=f"Tin ẩn zirconi {label}", sapo="Sapo ẩn.", body="<p>Thân bài ẩn zirconi.</p>",
        is_featured=True, **fields(),
    )
    article.tags.add(site.tag_b if other else site.tag_a)
    # Heavily read, so that "Đọc nhiều" would pick it if it leaked.
    ArticleDailyView.objects.create(article=article, day=vn_today(), views=1000)
    return article


@pytest.mark.parametrize("kind", list(HIDDEN_KINDS))
def test_hidden_article_answers_404_at_its_address_and_print_address(client, site, kind):
    hidden = _hidden_article(site, kind)
    assert hidden.slug
    assert get(client, f"/bai-viet/{hidden.slug}/").status_code == 404
    assert get(client, f"/bai-viet/{hidden.slug}/in/").status_code == 404
    assert get(client, f"/bai-viet/{hidden.slug}/", HTTP_USER_AGENT=BROWSER_UA).status_code == 404
    # A beacon naming a hidden article (sent by hand) counts no view for it.
    client.post("/thong-ke/b", {"a": str(hidden.pk)}, HTTP_HOST=HOST_A, HTTP_USER_AGENT=BROWSER_UA)
    hidden.refresh_from_db()
    assert hidden.view_count == 0


@pytest.mark.parametrize("kind", list(HIDDEN_KINDS))
def test_hidden_article_never_appears_on_any_list_feed_sitemap_or_search(client, site, kind):
    hidden = _hidden_article(site, kind)
    pages = {
        "home": "/",
        "category": f"/chuyen-muc/{site.cat_a.slug}/",
        "tag": f"/the/{site.tag_a.slug}/",
        "related": site.visible.get_absolute_url(),
        "search": "/tim-kiem/?q=zirconi",
        "rss": "/rss/",
        "category rss": f"/rss/{site.cat_a.slug}/",
        "sitemap": "/sitemap.xml",
    }
    for name, path in pages.items():
        response = get(client, path)
        assert response.status_code == 200, name
        content = page(response)
        assert site.visible.slug in content, f"{name} should list the visible article"
        assert hidden.slug not in content, f"{name} leaks the {kind} article"
        assert hidden.title not in html.unescape(content), f"{name} leaks the {kind} article's title"
    home = get(client, "/")
    assert site.visible.title in chunk(home, '<section class="featured"', "</section>")
    assert hidden.title not in chunk(home, 'id="doc-nhieu"', "</ol>")


def test_published_article_of_commune_a_is_404_on_commune_bs_host(client, site):
    url = site.visible.get_absolute_url()
    assert get(client, url, host=HOST_A).status_code == 200
    assert get(client, url, host=HOST_B).status_code == 404
    assert get(client, url + "in/", host=HOST_B).status_code == 404
    assert site.visible.title not in page(get(client, f"/chuyen-muc/{site.cat_b.slug}/", host=HOST_B))
    assert site.visible.title not in page(get(client, "/tim-kiem/?q=zirconi", host=HOST_B))


def test_scheduled_article_appears_once_its_time_has_come(client, site):
    hidden = _hidden_article(site, "scheduled")
    assert get(client, hidden.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=hidden.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert get(client, hidden.get_absolute_url()).status_code == 200
    assert hidden.slug in page(get(client, "/rss/"))


def test_categories_and_tags_of_another_commune_are_404(client, commune_a, commune_b):
    only_b = CategoryFactory(commune=commune_b, name="Chỉ có ở Zeta")
    tag_b = TagFactory(commune=commune_b, name="Thẻ riêng Zeta")
    assert get(client, f"/chuyen-muc/{only_b.slug}/").status_code == 404
    assert get(client, f"/rss/{only_b.slug}/").status_code == 404
    assert get(client, f"/the/{tag_b.slug}/").status_code == 404
    assert get(client, f"/chuyen-muc/{only_b.slug}/", host=HOST_B).status_code == 200


# -- the article page ---------------------------------------------------------------------------

@pytest.fixture
def full_article(commune_a):
    parent = CategoryFactory(commune=commune_a, name="Tin tức")
    child = CategoryFactory(commune=commune_a, name="Chính trị - Kinh tế", parent=parent)
    return ArticleFactory(
        commune=commune_a, category=child,
        title='Hội nghị sơ kết "6 tháng" của Ủy ban MTTQ',
        sapo="Sáng 14/3, Ủy ban MTTQ thị trấn tổ chức hội nghị sơ kết công tác 6 tháng đầu năm.",
        body="<p>Đoạn thân bài duy nhất số 7342 về hội nghị.</p><p>Đoạn thứ hai.</p>",
        author_byline="Thanh Mai", source="Theo báo cáo của MTTQ thị trấn",
        # 20:15 UTC on the 14th is 03:15 on the 15th in Việt Nam.
        published_at=datetime(2025, 3, 14, 20, 15, tzinfo=UTC),
    )


def test_article_page_prints_the_body_exactly_once(client, full_article):
    response = get(client, full_article.get_absolute_url())
    assert response.status_code == 200
    assert page(response).count("Đoạn thân bài duy nhất số 7342") == 1
    assert page(response).count("Đoạn thứ hai.") == 1


def test_article_page_shows_publish_time_in_gmt7(client, full_article):
    response = get(client, full_article.get_absolute_url())
    text = visible_text(response)
    assert "Đăng lúc: 15/03/2025 03:15 (GMT+7)" in text
    assert "14/03/2025" not in text
    assert 'datetime="2025-03-15T03:15+07:00"' in page(response)


def test_article_page_shows_sapo_byline_source_and_category_breadcrumb(client, full_article):
    response = get(client, full_article.get_absolute_url())
    content = page(response)
    assert f'<p class="article__sapo">{full_article.sapo}</p>' in content
    assert '<p class="article__byline">Thanh Mai</p>' in content
    assert "Nguồn: Theo báo cáo của MTTQ thị trấn" in content
    crumbs = chunk(response, '<nav class="crumbs"', "</nav>")
    child = full_article.category
    assert re.search(
        rf'href="/">Trang chủ</a>.*href="{child.parent.get_absolute_url()}">Tin tức</a>'
        rf'.*href="{child.get_absolute_url()}">Chính trị - Kinh tế</a>',
        crumbs,
    )
    assert '<h1 class="article__title">Hội nghị sơ kết &quot;6 tháng&quot; của Ủy ban MTTQ</h1>' in content


def test_article_page_has_open_graph_tags_with_the_canonical_address(client, full_article):
    response = get(client, full_article.get_absolute_url())
    content = page(response)
    canonical = f"http://{HOST_A}/bai-viet/{full_article.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in content
    assert f'<meta property="og:url" content="{canonical}">' in content
    assert '<meta property="og:title" content="Hội nghị sơ kết &quot;6 tháng&quot; của Ủy ban MTTQ">' in content
    assert '<meta property="og:type" content="article">' in content
    assert '<meta property="og:locale" content="vi_VN">' in content
    assert '<meta property="og:site_name" content="Trang thông tin điện tử thị trấn Thanh Miện">' in content
    assert '<meta property="article:published_time" content="2025-03-15T03:15+07:00">' in content


def test_article_canonical_address_follows_the_request_host(client, commune_a):
    from communes.models import CommuneHost

    CommuneHost.objects.create(commune=commune_a, hostname="mttq.thanhmien.localhost", is_primary=False)
    article = ArticleFactory(commune=commune_a)
    content = page(get(client, article.get_absolute_url(), host="mttq.thanhmien.localhost"))
    assert f'<meta property="og:url" content="http://mttq.thanhmien.localhost/bai-viet/{article.slug}/">' in content


def test_article_page_has_the_text_size_control(client, full_article):
    response = get(client, full_article.get_absolute_url())
    control = chunk(response, '<div class="textsize"', "</div>")
    assert ">A−</button>" in control
    assert ">100%</output>" in control
    assert ">A+</button>" in control


def test_article_page_lists_tags_and_related_articles_of_the_same_category(client, full_article):
    tag = TagFactory(commune=full_article.commune, name="Sơ kết")
    full_article.tags.add(tag)
    related = ArticleFactory(commune=full_article.commune, category=full_article.category, title="Tin cùng chuyên mục")
    elsewhere = ArticleFactory(commune=full_article.commune, title="Tin chuyên mục khác")
    response = get(client, full_article.get_absolute_url())
    assert f'<a href="/the/{tag.slug}/">Sơ kết</a>' in page(response)
    section = chunk(response, 'id="tin-lien-quan"', "</section>")
    assert related.title in section
    assert elsewhere.title not in section
    assert full_article.title not in html.unescape(section)


def test_print_page_shows_the_body_once_and_the_time_in_gmt7(client, full_article):
    response = get(client, f"/bai-viet/{full_article.slug}/in/")
    assert response.status_code == 200
    assert page(response).count("Đoạn thân bài duy nhất số 7342") == 1
    assert "Đăng lúc: 15/03/2025 03:15 (GMT+7)" in visible_text(response)
    assert f'<link rel="canonical" href="http://{HOST_A}/bai-viet/{full_article.slug}/">' in page(response)
    assert '<meta name="robots" content="noindex">' in page(response)


def test_article_page_refuses_other_methods(client, full_article):
    assert client.put(full_article.get_absolute_url(), HTTP_HOST=HOST_A).status_code == 405
    assert client.delete(full_article.get_absolute_url(), HTTP_HOST=HOST_A).status_code == 405


# -- comments -----------------------------------------------------------------------------------

def test_only_approved_comments_are_listed_oldest_first_and_counted(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    newer = CommentFactory(article=article, body="Ý kiến đã duyệt thứ hai", email="nguoi.hai@example.vn")
    older = CommentFactory(article=article, body="Ý kiến đã duyệt thứ nhất", email="nguoi.mot@example.vn")
    Comment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=2))
    Comment.objects.filter(pk=newer.pk).update(created_at=timezone.now() - timedelta(hours=1))
    CommentFactory(article=article, body="Ý kiến đang chờ duyệt", status=Comment.Status.PENDING)
    CommentFactory(article=article, body="Ý kiến bị từ chối", status=Comment.Status.REJECTED)
    CommentFactory(article=ArticleFactory(commune=commune_a), body="Ý kiến của bài khác")

    content = page(get(client, article.get_absolute_url()))
    assert content.index("Ý kiến đã duyệt thứ nhất") < content.index("Ý kiến đã duyệt thứ hai")
    for hidden in ["Ý kiến đang chờ duyệt", "Ý kiến bị từ chối", "Ý kiến của bài khác"]:
        assert hidden not in content
    assert "(2 bình luận)" in content


def test_article_without_approved_comments_says_so(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    content = page(get(client, article.get_absolute_url()))
    assert "(0 bình luận)" in content
    assert "Chưa có ý kiến nào." in content


def test_commenters_email_never_appears_on_the_page(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    CommentFactory(article=article, name="Lê Văn Cường", email="cuong.bimat@example.vn")
    CommentFactory(article=article, email="cho.duyet@example.vn", status=Comment.Status.PENDING)
    content = page(get(client, article.get_absolute_url()))
    assert "Lê Văn Cường" in content
    assert "cuong.bimat" not in content
    assert "cho.duyet" not in content


def test_posting_a_comment_with_consent_stores_it_pending_and_does_not_show_it(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    data = comment_data()
    response = post(client, article.get_absolute_url(), data)
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#y-kien"

    comment = Comment.objects.get(article=article)
    assert comment.status == Comment.Status.PENDING
    assert (comment.name, comment.email, comment.body) == (data["name"], data["email"], data["body"])
    assert comment.consent_text == CONSENT_TEXT and comment.consent_given_at is not None
    assert str(comment.submission_id) == data["submission_id"]
    assert comment.address_hash and "127.0.0.1" not in comment.address_hash

    after = get(client, article.get_absolute_url())
    assert "Cảm ơn bạn đã gửi ý kiến. Ý kiến sẽ hiển thị sau khi Ban Biên tập duyệt." in page(after)
    assert data["body"] not in page(after)
    assert "binh.tran" not in page(after)
    assert "(0 bình luận)" in page(after)


def test_comment_without_consent_is_refused_with_a_vietnamese_error_and_the_text_kept(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    data = comment_data(consent=None, body="Ý kiến dài tôi đã gõ rất lâu,\nxin đừng làm mất.")
    response = post(client, article.get_absolute_url(), data)
    assert response.status_code == 400
    content = page(response)
    assert "Cần đánh dấu đồng ý xử lý dữ liệu cá nhân để gửi ý kiến." in content
    textarea = r'<textarea[^>]*name="body"[^>]*>\s*Ý kiến dài tôi đã gõ rất lâu,\s*xin đừng làm mất\.</textarea>'
    assert re.search(textarea, content)
    assert 'value="Trần Thị Bình"' in content
    assert f'value="{data["submission_id"]}"' in content
    assert not Comment.objects.exists()


def test_comment_with_a_wrong_captcha_is_refused_and_the_text_kept(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    response = post(client, article.get_absolute_url(), comment_data(captcha_1="SAI"))
    assert response.status_code == 400
    assert "Mã xác nhận chưa đúng, hãy thử lại với mã mới." in page(response)
    assert "Đề nghị Ban Biên tập đăng thêm ảnh hội nghị ở khu 3." in page(response)
    assert not Comment.objects.exists()


def test_double_submission_of_the_same_form_stores_one_comment(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    data = comment_data()
    first = post(client, article.get_absolute_url(), data)
    assert first.status_code == 302
    get(client, article.get_absolute_url())  # the reader reads the thanks, then presses "send" again
    second = post(client, article.get_absolute_url(), data, follow=True)
    assert Comment.objects.filter(article=article).count() == 1
    assert "Ý kiến này đã được gửi trước đó; bạn không cần gửi lại." in page(second)


def test_honeypot_filled_stores_nothing(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    response = post(client, article.get_absolute_url(), comment_data(website="http://quang-cao.example"))
    assert response.status_code != 302
    assert not Comment.objects.exists()


@pytest.fixture
def frozen_rate_window(monkeypatch):
    """django-ratelimit counts per clock window; hold the clock so a window edge cannot fall
    between two posts of a test."""
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: 1_750_000_000.0))


@override_settings(COMMENT_RATE="2/m")
def test_third_comment_in_a_minute_is_refused_with_a_vietnamese_message_and_the_text_kept(
    client, commune_a, frozen_rate_window
):
    article = ArticleFactory(commune=commune_a)
    assert post(client, article.get_absolute_url(), comment_data(body="Ý kiến một")).status_code == 302
    assert post(client, article.get_absolute_url(), comment_data(body="Ý kiến hai")).status_code == 302
    third = post(client, article.get_absolute_url(), comment_data(body="Ý kiến ba vẫn phải còn nguyên"))
    assert third.status_code == 400
    content = page(third)
    assert "Bạn đã gửi nhiều ý kiến trong thời gian ngắn." in content
    assert "Ý kiến ba vẫn phải còn nguyên" in content
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["Ý kiến hai", "Ý kiến một"]


@override_settings(COMMENT_RATE="2/m")
def test_rate_limit_is_per_address(client, commune_a, frozen_rate_window):
    article = ArticleFactory(commune=commune_a)
    for body in ["Một", "Hai"]:
        post(client, article.get_absolute_url(), comment_data(body=body), REMOTE_ADDR="203.0.113.5")
    third = post(client, article.get_absolute_url(), comment_data(body="Ba"), REMOTE_ADDR="203.0.113.5")
    assert third.status_code == 400
    other = post(client, article.get_absolute_url(), comment_data(body="Người khác"), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert Comment.objects.count() == 3


@override_settings(COMMENT_RATE="2/m", TRUSTED_PROXIES=["127.0.0.1"])
def test_rate_limit_behind_the_reverse_proxy_is_per_reader(client, commune_a, frozen_rate_window):
    article = ArticleFactory(commune=commune_a)
    behind_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for body in ["Một", "Hai"]:
        first_reader = post(client, article.get_absolute_url(), comment_data(body=body),
                            HTTP_X_FORWARDED_FOR="203.0.113.5", **behind_proxy)
        assert first_reader.status_code == 302
    other = post(client, article.get_absolute_url(), comment_data(body="Người khác"),
                 HTTP_X_FORWARDED_FOR="198.51.100.7", **behind_proxy)
    assert other.status_code == 302


def test_comment_with_markup_is_shown_escaped(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    CommentFactory(article=article, name="<b>Kẻ xấu</b>", body="<script>alert('xss')</script> Xin chào")
    content = page(get(client, article.get_absolute_url()))
    assert "<script>alert(" not in content
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt; Xin chào" in content
    assert "<b>Kẻ xấu</b>" not in content
    assert "&lt;b&gt;Kẻ xấu&lt;/b&gt;" in content


def test_posted_comment_with_a_script_is_stored_as_text_and_escaped_once_approved(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    post(client, article.get_absolute_url(), comment_data(body="<script>alert(1)</script>"))
    comment = Comment.objects.get()
    services.comment_moderate(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=None)
    content = page(get(client, article.get_absolute_url()))
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# -- home ---------------------------------------------------------------------------------------

def test_home_shows_the_featured_article_in_its_own_section(client, commune_a):
    category = CategoryFactory(commune=commune_a, name="Tin tức")
    featured = ArticleFactory(commune=commune_a, category=category, title="Tin nổi bật của tuần",
                              is_featured=True, published_at=timezone.now() - timedelta(days=3))
    newer = ArticleFactory(commune=commune_a, category=category, title="Tin mới hơn nhưng thường")
    response = get(client, "/")
    featured_section = chunk(response, '<section class="featured"', "</section>")
    assert featured.title in featured_section
    assert newer.title not in featured_section
    assert page(response).count(featured.title) == 1  # not repeated in its category's section


def test_home_without_a_featured_article_features_the_newest(client, commune_a):
    old = ArticleFactory(commune=commune_a, title="Tin cũ", published_at=timezone.now() - timedelta(days=3))
    new = ArticleFactory(commune=commune_a, title="Tin mới nhất")
    featured_section = chunk(get(client, "/"), '<section class="featured"', "</section>")
    assert new.title in featured_section
    assert old.title not in featured_section


def test_home_has_a_section_per_top_category_with_its_childrens_articles_newest_four(client, commune_a):
    news = CategoryFactory(commune=commune_a, name="Tin tức", position=1)
    politics = CategoryFactory(commune=commune_a, name="Chính trị", parent=news)
    activities = CategoryFactory(commune=commune_a, name="Hoạt động", position=2)
    hidden_category = CategoryFactory(commune=commune_a, name="Văn bản nội bộ", show_on_home=False)
    CategoryFactory(commune=commune_a, name="Chuyên mục trống", position=3)
    now = timezone.now()
    ArticleFactory(commune=commune_a, category=activities, title="Tin nổi bật", is_featured=True)
    in_news = [
        ArticleFactory(commune=commune_a, category=politics if n % 2 else news, title=f"Tin tức số {n}",
                       published_at=now - timedelta(hours=n + 1))
        for n in range(1, 6)
    ]
    in_activities = ArticleFactory(commune=commune_a, category=activities, title="Hoạt động hè")
    not_on_home = ArticleFactory(commune=commune_a, category=hidden_category, title="Văn bản không lên trang chủ")

    response = get(client, "/")
    content = page(response)
    news_section = chunk(response, f'id="cm-{news.pk}"', "</section>")
    for article in in_news[:4]:
        assert article.title in news_section
    assert in_news[4].title not in content  # only the newest four per section
    assert "Chính trị</a></h2>" not in content  # a child has no section of its own
    assert in_activities.title in chunk(response, f'id="cm-{activities.pk}"', "</section>")
    assert content.index(f'id="cm-{news.pk}"') < content.index(f'id="cm-{activities.pk}"')
    assert not_on_home.title not in content
    assert "Chuyên mục trống</a></h2>" not in content


def test_home_most_read_counts_only_the_last_30_days(client, commune_a):
    today = vn_today()
    once_popular = ArticleFactory(commune=commune_a, title="Tin từng đọc nhiều")
    read_yesterday = ArticleFactory(commune=commune_a, title="Tin đọc hôm qua")
    read_today = ArticleFactory(commune=commune_a, title="Tin đọc hôm nay")
    edge = ArticleFactory(commune=commune_a, title="Tin ở mép 30 ngày")
    ArticleDailyView.objects.create(article=once_popular, day=today - timedelta(days=30), views=5000)
    ArticleDailyView.objects.create(article=once_popular, day=today - timedelta(days=90), views=9000)
    ArticleDailyView.objects.create(article=read_yesterday, day=today - timedelta(days=1), views=7)
    for _ in range(3):
        services.article_view_record(article_id=read_today.pk, day=today)
    ArticleDailyView.objects.create(article=edge, day=today - timedelta(days=29), views=2)
    ArticleDailyView.objects.create(article=edge, day=today - timedelta(days=31), views=900)

    most_read = chunk(get(client, "/"), 'id="doc-nhieu"', "</ol>")
    assert once_popular.title not in most_read
    titles = re.findall(r'<a href="[^"]+">([^<]+)</a>', most_read)
    assert titles == [read_yesterday.title, read_today.title, edge.title]
    assert "Tin đọc hôm qua</a> <span class=\"muted\">(7 lượt xem)</span>" in most_read
    assert "Tin ở mép 30 ngày</a> <span class=\"muted\">(2 lượt xem)</span>" in most_read


def test_home_most_read_is_hidden_without_recent_views(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    ArticleDailyView.objects.create(article=article, day=vn_today() - timedelta(days=45), views=100)
    assert "Đọc nhiều" not in page(get(client, "/"))


def test_home_of_a_commune_without_articles_says_so(client, commune_a):
    response = get(client, "/")
    assert response.status_code == 200
    assert "Chưa có bài viết nào được đăng." in page(response)


# -- category and tag pages ---------------------------------------------------------------------

def test_category_page_includes_its_childrens_articles(client, commune_a):
    parent = CategoryFactory(commune=commune_a, name="Tin tức")
    child = CategoryFactory(commune=commune_a, name="Kinh tế", parent=parent)
    sibling = CategoryFactory(commune=commune_a, name="Hoạt động")
    own = ArticleFactory(commune=commune_a, category=parent, title="Tin của chuyên mục cha")
    childs = ArticleFactory(commune=commune_a, category=child, title="Tin của chuyên mục con")
    other = ArticleFactory(commune=commune_a, category=sibling, title="Tin của chuyên mục khác")
    content = page(get(client, parent.get_absolute_url()))
    assert own.title in content and childs.title in content
    assert other.title not in content
    child_page = page(get(client, child.get_absolute_url()))
    assert childs.title in child_page and own.title not in child_page


def test_category_pages_are_numbered_with_trang(client, commune_a):
    category = CategoryFactory(commune=commune_a)
    now = timezone.now()
    articles = [
        ArticleFactory(commune=commune_a, category=category, title=f"Bài số {n:02d}",
                       published_at=now - timedelta(hours=n + 1))
        for n in range(12)
    ]
    first = page(get(client, category.get_absolute_url()))
    second = page(get(client, category.get_absolute_url() + "?trang=2"))
    assert [a.title for a in articles if a.title in first] == [a.title for a in articles[:10]]
    assert [a.title for a in articles if a.title in second] == [a.title for a in articles[10:]]
    assert "Trang 1 / 2" in first and 'href="?trang=2"' in first
    assert "Trang 2 / 2" in second and 'href="?trang=1"' in second


@pytest.mark.parametrize("trang", ["999", "abc", "0", "-1", "1.5"])
def test_category_page_that_does_not_exist_is_404(client, commune_a, trang):
    category = CategoryFactory(commune=commune_a)
    ArticleFactory.create_batch(3, commune=commune_a, category=category)
    assert get(client, f"{category.get_absolute_url()}?trang={trang}").status_code == 404


def test_empty_category_answers_200_with_a_message(client, commune_a):
    category = CategoryFactory(commune=commune_a)
    response = get(client, category.get_absolute_url())
    assert response.status_code == 200
    assert "Chuyên mục chưa có bài viết." in page(response)


def test_unknown_category_and_tag_are_404(client, commune_a):
    assert get(client, "/chuyen-muc/khong-co/").status_code == 404
    assert get(client, "/the/khong-co/").status_code == 404
    assert get(client, "/rss/khong-co/").status_code == 404


def test_tag_page_lists_the_tagged_articles_only(client, commune_a):
    tag = TagFactory(commune=commune_a, name="Bầu cử")
    tagged = ArticleFactory(commune=commune_a, title="Tin có thẻ bầu cử")
    tagged.tags.add(tag)
    untagged = ArticleFactory(commune=commune_a, title="Tin không gắn thẻ")
    response = get(client, tag.get_absolute_url())
    assert response.status_code == 200
    assert "Thẻ: Bầu cử" in page(response)
    assert tagged.title in page(response)
    assert untagged.title not in page(response)
    assert get(client, tag.get_absolute_url() + "?trang=2").status_code == 404


# -- view counting ------------------------------------------------------------------------------

def beacon(client, article, **extra):
    """What the page's beacon.js sends after the page has loaded (the page itself stays cacheable)."""
    return client.post("/thong-ke/b", {"a": str(article.pk), "p": article.get_absolute_url()}, HTTP_HOST=HOST_A,
                       **extra)


def test_each_browser_view_counts_once(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    for _ in range(2):
        response = get(client, article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA)
        assert f'data-article="{article.pk}"' in page(response)
        assert beacon(client, article, HTTP_USER_AGENT=BROWSER_UA).status_code == 204
    article.refresh_from_db()
    assert article.view_count == 2
    assert ArticleDailyView.objects.get(article=article, day=vn_today()).views == 2


@pytest.mark.parametrize("agent", [
    GOOGLEBOT_UA,
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.5.0",
    "",
    None,
], ids=["googlebot", "facebook", "bingbot", "curl", "empty", "missing"])
def test_bots_and_empty_user_agents_do_not_count_as_views(client, commune_a, agent):
    article = ArticleFactory(commune=commune_a)
    extra = {} if agent is None else {"HTTP_USER_AGENT": agent}
    assert get(client, article.get_absolute_url(), **extra).status_code == 200
    assert beacon(client, article, **extra).status_code == 204
    article.refresh_from_db()
    assert article.view_count == 0
    assert not ArticleDailyView.objects.filter(article=article).exists()


def test_posting_a_comment_and_the_print_page_do_not_count_as_views(client, commune_a):
    article = ArticleFactory(commune=commune_a)
    post(client, article.get_absolute_url(), comment_data(), HTTP_USER_AGENT=BROWSER_UA)
    post(client, article.get_absolute_url(), comment_data(consent=None), HTTP_USER_AGENT=BROWSER_UA)
    get(client, f"/bai-viet/{article.slug}/in/", HTTP_USER_AGENT=BROWSER_UA)
    article.refresh_from_db()
    assert article.view_count == 0


# -- search -------------------------------------------------------------------------------------

@pytest.fixture
def searchable(commune_a, commune_b):
    found = ArticleFactory(
        commune=commune_a, title="Mặt trận Tổ quốc thị trấn tổng kết năm",
        sapo="Hội nghị tổng kết công tác năm.", body="<p>Nội dung tổng kết.</p>",
    )
    unrelated = ArticleFactory(
        commune=commune_a, title="Lịch tiếp công dân tháng 5", sapo="Thông báo lịch tiếp dân.",
        body="<p>Lịch cụ thể.</p>",
    )
    other_commune = ArticleFactory(
        commune=commune_b, title="Mặt trận Tổ quốc xã Zeta họp bàn", sapo="Tin của xã khác.",
        body="<p>Tin xã khác.</p>",
    )
    draft = ArticleFactory(
        commune=commune_a, title="Mặt trận Tổ quốc bản nháp chưa đăng", sapo="Nháp.", body="<p>Nháp.</p>",
        status=Article.Status.DRAFT, published_at=None,
    )
    return SimpleNamespace(found=found, unrelated=unrelated, other_commune=other_commune, draft=draft)


@pytest.mark.parametrize("query", ["mat tran to quoc", "MẶT TRẬN", "mặt trận tổ quốc", "Mat Tran"])
def test_search_ignores_case_and_diacritics(client, searchable, query):
    response = get(client, "/tim-kiem/", data={"q": query})
    assert response.status_code == 200
    content = page(response)
    assert f'href="{searchable.found.get_absolute_url()}"' in content
    first_result = chunk(response, '<ol class="search-results">', "</li>")
    assert searchable.found.slug in first_result


@pytest.mark.parametrize("query", ["mat tran to quoc", "MẶT TRẬN"])
def test_search_of_several_words_lists_only_articles_containing_them(client, searchable, query):
    response = get(client, "/tim-kiem/", data={"q": query})
    content = page(response)
    assert searchable.found.slug in content
    assert searchable.unrelated.slug not in content
    assert "Tìm thấy 1 bài viết" in content


def test_search_highlights_the_matching_words_keeping_their_diacritics(client, searchable):
    content = page(get(client, "/tim-kiem/?q=mat+tran+to+quoc"))
    # Words are compared without diacritics ("trấn" is "tran" too), whole words only ("tổng" is not "to").
    marked = "<mark>Mặt</mark> <mark>trận</mark> <mark>Tổ</mark> <mark>quốc</mark> thị <mark>trấn</mark> tổng kết"
    assert marked in content


def test_search_finds_only_this_communes_published_articles(client, searchable):
    content = page(get(client, "/tim-kiem/?q=mat+tran+to+quoc"))
    assert searchable.found.slug in content
    assert searchable.other_commune.slug not in content
    assert searchable.draft.slug not in content
    on_b = page(get(client, "/tim-kiem/?q=mat+tran+to+quoc", host=HOST_B))
    assert searchable.other_commune.slug in on_b
    assert searchable.found.slug not in on_b


def test_search_finds_words_in_the_sapo_and_body_too(client, commune_a):
    by_sapo = ArticleFactory(commune=commune_a, title="Tin thứ nhất", sapo="Trao quà cho hộ nghèo khu Đông.",
                             body="<p>Nội dung.</p>")
    by_body = ArticleFactory(commune=commune_a, title="Tin thứ hai", sapo="Sapo.",
                             body="<p>Đoàn đã tới thăm <strong>hộ nghèo</strong> khu Tây.</p>")
    content = page(get(client, "/tim-kiem/?q=ho+ngheo"))
    assert by_sapo.slug in content and by_body.slug in content
    assert "<mark>hộ</mark> <mark>nghèo</mark>" in content


def test_search_understands_the_letter_d_with_stroke(client, commune_a):
    article = ArticleFactory(commune=commune_a, title="Đảng bộ thị trấn Đại hội lần thứ XX", sapo="Sapo.",
                             body="<p>Nội dung.</p>")
    content = page(get(client, "/tim-kiem/?q=dang+bo+dai+hoi"))
    assert article.slug in content
    assert "<mark>Đảng</mark> <mark>bộ</mark>" in content


@pytest.mark.parametrize("query", ["", "   ", "!!!", "?.,;:-–…", "«»"])
def test_empty_or_punctuation_only_search_shows_no_results_without_error(client, searchable, query):
    response = get(client, "/tim-kiem/", data={"q": query})
    assert response.status_code == 200
    content = page(response)
    assert "Tìm thấy" not in content
    assert 'class="search-results"' not in content
    assert searchable.found.slug not in content
    if query.strip():
        assert "Hãy nhập ít nhất một từ có chữ hoặc số." in content


def test_search_without_a_match_says_so(client, searchable):
    response = get(client, "/tim-kiem/?q=khongcobaivietnao")
    assert response.status_code == 200
    assert "Không có bài viết nào khớp với «khongcobaivietnao»." in visible_text(response)


def test_search_query_with_markup_is_escaped(client, searchable):
    response = get(client, "/tim-kiem/", data={"q": '<script>alert("x")</script>'})
    assert response.status_code == 200
    content = page(response)
    assert '<script>alert("x")' not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_search_results_with_markup_in_the_title_are_escaped(client, commune_a):
    ArticleFactory(commune=commune_a, title="Tin <b>đậm</b> về Mặt trận", sapo="Sapo <i>nghiêng</i>.")
    content = page(get(client, "/tim-kiem/?q=mat+tran"))
    assert "<b>đậm</b>" not in content and "<i>nghiêng</i>" not in content
    assert "&lt;b&gt;đậm&lt;/b&gt;" in content


def test_search_pages_are_numbered_and_a_missing_page_is_404(client, commune_a):
    category = CategoryFactory(commune=commune_a)
    now = timezone.now()
    for n in range(12):
        ArticleFactory(commune=commune_a, category=category, title=f"Hội nghị số {n}", sapo="Sapo.",
                       published_at=now - timedelta(hours=n + 1))
    first = page(get(client, "/tim-kiem/?q=hoi+nghi"))
    assert "Tìm thấy 12 bài viết" in first
    assert first.count('<li>\n  <h2 class="card__title">') == 10
    assert 'href="?q=hoi%20nghi&amp;trang=2"' in first
    second = page(get(client, "/tim-kiem/?q=hoi+nghi&trang=2"))
    assert second.count('<li>\n  <h2 class="card__title">') == 2
    assert get(client, "/tim-kiem/?q=hoi+nghi&trang=9").status_code == 404
    assert get(client, "/tim-kiem/?q=hoi+nghi&trang=abc").status_code == 404


def test_search_matches_whole_words_not_parts_of_words(client, commune_a):
    ArticleFactory(commune=commune_a, title="Tổng kết công tác thanh niên", sapo="Sapo.", body="<p>Nội dung.</p>")
    content = page(get(client, "/tim-kiem/?q=to"))
    assert "Tổng kết công tác thanh niên" not in content


def _decomposed(text):
    """Text as typed with "Unicode tổ hợp" (Unikey) or pasted from some documents: each tone mark
    is a separate combining character."""
    return unicodedata.normalize("NFD", text)


def test_search_finds_titles_typed_with_combining_diacritics(client, commune_a):
    article = ArticleFactory(commune=commune_a, title=_decomposed("Mặt trận Tổ quốc tổ chức hội nghị"),
                             sapo="Sapo.", body="<p>Nội dung.</p>")
    content = page(get(client, "/tim-kiem/?q=mat+tran+to+quoc"))
    assert "Tìm thấy 1 bài viết" in content
    assert article.slug in content


def test_search_highlights_whole_words_typed_with_combining_diacritics(client, commune_a):
    ArticleFactory(commune=commune_a, title=_decomposed("Mặt trận Tổ quốc tổ chức hội nghị"), sapo="Sapo.",
                   body="<p>Nội dung.</p>")
    content = unicodedata.normalize("NFC", page(get(client, "/tim-kiem/?q=mat+tran+to+quoc")))
    assert "<mark>Mặt</mark> <mark>trận</mark> <mark>Tổ</mark> <mark>quốc</mark> <mark>tổ</mark> chức" in content


# -- robots.txt, sitemap.xml, RSS ----------------------------------------------------------------

def test_robots_txt_names_the_sitemap_on_the_request_host(client, commune_a, commune_b):
    response = get(client, "/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = page(response).splitlines()
    assert f"Sitemap: http://{HOST_A}/sitemap.xml" in lines
    assert "Disallow: /xem-truoc/" in lines and "Disallow: /quan-tri/" in lines
    assert f"Sitemap: http://{HOST_B}/sitemap.xml" in page(get(client, "/robots.txt", host=HOST_B)).splitlines()


def test_unknown_host_gets_404_not_another_communes_pages(client, commune_a):
    ArticleFactory(commune=commune_a, title="Tin của Thanh Miện")
    for path in ["/", "/robots.txt", "/sitemap.xml", "/rss/"]:
        response = get(client, path, host="khongco.localhost")
        assert response.status_code == 404
        assert "Thanh Miện" not in page(response)


def test_sitemap_lists_only_the_communes_published_articles_on_its_host(client, commune_a, commune_b):
    category = CategoryFactory(commune=commune_a, name="Tin tức")
    published = ArticleFactory.create_batch(3, commune=commune_a, category=category)
    draft = ArticleFactory(commune=commune_a, category=category, status=Article.Status.DRAFT, published_at=None)
    theirs = ArticleFactory(commune=commune_b)
    response = get(client, "/sitemap.xml")
    locations = sitemap_locations(response)
    articles = sorted(loc for loc in locations if "/bai-viet/" in loc)
    assert articles == sorted(f"http://{HOST_A}/bai-viet/{a.slug}/" for a in published)
    assert f"http://{HOST_A}/chuyen-muc/{category.slug}/" in locations
    assert draft.slug not in page(response)
    assert theirs.slug not in page(response)
    assert all(loc.startswith(f"http://{HOST_A}/") for loc in locations)


def test_rss_lists_the_communes_published_articles_newest_first(client, commune_a, commune_b):
    now = timezone.now()
    oldest = ArticleFactory(commune=commune_a, title="Tin cũ nhất", published_at=now - timedelta(days=3))
    newest = ArticleFactory(commune=commune_a, title="Tin mới nhất", published_at=now - timedelta(minutes=5))
    middle = ArticleFactory(commune=commune_a, title="Tin ở giữa", published_at=now - timedelta(days=1))
    ArticleFactory(commune=commune_b, title="Tin của xã Zeta")
    ArticleFactory(commune=commune_a, title="Tin hẹn giờ", published_at=now + timedelta(hours=1))
    items = rss_items(get(client, "/rss/"))
    assert items == [
        (article.title, f"http://{HOST_A}/bai-viet/{article.slug}/") for article in [newest, middle, oldest]
    ]


def test_category_rss_lists_the_category_and_its_children_only(client, commune_a):
    parent = CategoryFactory(commune=commune_a, name="Tin tức")
    child = CategoryFactory(commune=commune_a, name="Kinh tế", parent=parent)
    now = timezone.now()
    own = ArticleFactory(commune=commune_a, category=parent, title="Tin cha",
                         published_at=now - timedelta(hours=2))
    childs = ArticleFactory(commune=commune_a, category=child, title="Tin con",
                            published_at=now - timedelta(hours=1))
    ArticleFactory(commune=commune_a, title="Tin chuyên mục khác")
    items = rss_items(get(client, f"/rss/{parent.slug}/"))
    assert [title for title, _ in items] == [childs.title, own.title]


def test_rss_of_one_commune_never_lists_another_communes_articles_when_requests_interleave(
    client, commune_a, commune_b, monkeypatch
):
    ArticleFactory(commune=commune_a, title="Tin của Thanh Miện")
    ArticleFactory(commune=commune_b, title="Tin của xã Zeta")
    original_items = feeds.LatestArticlesFeed.items
    other_reader = Client()
    state = {"interleaved": False}

    def items_while_b_is_served(self, obj):
        # What a second thread does meanwhile: serve commune B's feed with the same instance.
        if not state["interleaved"]:
            state["interleaved"] = True
            assert other_reader.get("/rss/", HTTP_HOST=HOST_B).status_code == 200
        return original_items(self, obj)

    monkeypatch.setattr(feeds.LatestArticlesFeed, "items", items_while_b_is_served)
    titles = [title for title, _ in rss_items(get(client, "/rss/"))]
    assert state["interleaved"]
    assert titles == ["Tin của Thanh Miện"]


# -- preview ------------------------------------------------------------------------------------

@pytest.fixture
def draft(commune_a):
    return ArticleFactory(commune=commune_a, title="Bản nháp cần xem trước", status=Article.Status.DRAFT,
                          published_at=None)


def test_preview_is_404_for_anonymous_readers(client, draft):
    assert get(client, f"/xem-truoc/{draft.pk}/").status_code == 404


def test_preview_is_404_for_staff_of_another_commune(client, draft, commune_b, member_of):
    client.force_login(member_of(commune_b, Membership.Role.BOARD_HEAD))
    assert get(client, f"/xem-truoc/{draft.pk}/").status_code == 404
    assert get(client, f"/xem-truoc/{draft.pk}/", host=HOST_B).status_code == 404


def test_preview_is_404_for_a_logged_in_reader_without_membership(client, draft):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="ban.doc"))
    assert get(client, f"/xem-truoc/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Membership.Role.EDITOR, Membership.Role.BOARD_HEAD, Membership.Role.SITE_ADMIN])
def test_preview_shows_the_draft_to_a_member_of_its_commune_never_cached(client, draft, commune_a, member_of, role):
    client.force_login(member_of(commune_a, role))
    response = get(client, f"/xem-truoc/{draft.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    content = page(response)
    assert draft.title in content
    assert "Bản xem trước (bản nháp)" in content
    assert '<meta name="robots" content="noindex">' in content
    assert 'class="comment-form"' not in content
    # Still not public.
    client.logout()
    assert get(client, draft.get_absolute_url()).status_code == 404


def test_preview_of_an_unknown_article_is_404_for_staff(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.EDITOR))
    assert get(client, "/xem-truoc/987654/").status_code == 404


# -- a number of queries that does not grow with the data ---------------------------------------

def _article_with(commune, category, n):
    """An article with ``n`` approved comments, tags, photos, related articles, child categories."""
    article = ArticleFactory(commune=commune, category=category, title="Bài đo số truy vấn")
    for i in range(n):
        CommentFactory(article=article, body=f"Ý kiến {i}", name=f"Bạn đọc {i}")
        CommentFactory(article=article, body=f"Ý kiến chờ {i}", status=Comment.Status.PENDING)
        GalleryImage.objects.create(article=article, image=f"gallery/anh-{i}.jpg", alt=f"Ảnh {i}", position=i)
        ArticleFactory(commune=commune, category=category, title=f"Tin liên quan {i}")
        CategoryFactory(commune=commune, name=f"Chuyên mục con {i}", parent=category)
    article.tags.add(*[TagFactory(commune=commune, name=f"Thẻ {i}") for i in range(n)])
    return article


def _home_with(commune, n):
    tops = [CategoryFactory(commune=commune, name=f"Mục {i}") for i in range(max(1, n // 10))]
    children = [CategoryFactory(commune=commune, name=f"Mục con {i}", parent=top) for i, top in enumerate(tops)]
    for i in range(n):
        category = (tops + children)[i % (2 * len(tops))]
        article = ArticleFactory(commune=commune, category=category, is_featured=i == 0)
        article.tags.add(TagFactory(commune=commune, name=f"Thẻ trang chủ {i}"))
        ArticleDailyView.objects.create(article=article, day=vn_today(), views=i + 1)
        ArticleDailyView.objects.create(article=article, day=vn_today() - timedelta(days=1), views=i + 1)


def _measure(client, path, **extra):
    get(client, path, **extra)  # warm up: the host lookup is cached, today's view row exists
    return queries_of(client, path, **extra)


def test_article_page_runs_the_same_few_queries_with_3_or_60_comments_tags_and_photos(client, commune_a, commune_b):
    small = _article_with(commune_a, CategoryFactory(commune=commune_a, name="Nhỏ"), 3)
    large = _article_with(commune_b, CategoryFactory(commune=commune_b, name="Lớn"), 60)
    small_count = _measure(client, small.get_absolute_url(), host=HOST_A, HTTP_USER_AGENT=BROWSER_UA)
    large_count = _measure(client, large.get_absolute_url(), host=HOST_B, HTTP_USER_AGENT=BROWSER_UA)
    assert small_count == large_count
    assert large_count <= 15


def test_article_page_for_a_bot_runs_no_more_queries_than_for_a_reader(client, commune_a):
    article = _article_with(commune_a, CategoryFactory(commune=commune_a), 3)
    reader = _measure(client, article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA)
    bot = _measure(client, article.get_absolute_url(), HTTP_USER_AGENT=GOOGLEBOT_UA)
    assert bot <= reader <= 15


def test_home_page_runs_the_same_queries_with_3_or_60_articles(client, commune_a, commune_b):
    _home_with(commune_a, 3)
    _home_with(commune_b, 60)
    assert _measure(client, "/", host=HOST_A) == _measure(client, "/", host=HOST_B)


def test_category_page_runs_the_same_queries_with_3_or_60_articles(client, commune_a, commune_b):
    small = CategoryFactory(commune=commune_a, name="Tin tức")
    large = CategoryFactory(commune=commune_b, name="Tin tức")
    for commune, category, n in [(commune_a, small, 3), (commune_b, large, 60)]:
        child = CategoryFactory(commune=commune, name="Kinh tế", parent=category)
        for i in range(n):
            article = ArticleFactory(commune=commune, category=child if i % 2 else category)
            article.tags.add(TagFactory(commune=commune, name=f"Thẻ {i}"))
    small_count = _measure(client, small.get_absolute_url(), host=HOST_A)
    assert small_count == _measure(client, large.get_absolute_url(), host=HOST_B)
    assert small_count == _measure(client, large.get_absolute_url() + "?trang=4", host=HOST_B)
