"""The page cache for anonymous readers (mttq_portal.page_cache): served without the database,
stale the moment what a page shows changes, per site, never for signed-in people."""
from datetime import timedelta
import re
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.http import http_date
import pytest

from communes.models import Membership
from news import services as news_services
from news.models import Article, Comment
from reports import services as report_services
from reports.models import ReportSummary
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory, ReportSummaryFactory

pytestmark = pytest.mark.django_db
BROWSER_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


def reader(host="thanhmien.localhost"):
    return Client(HTTP_HOST=host, HTTP_USER_AGENT=BROWSER_UA)


def get(client, path, **extra):
    response = client.get(path, **extra)
    return response, response.content.decode()


@pytest.fixture
def category_a(commune_a):
    return CategoryFactory(commune=commune_a, name="Tin hoạt động", slug="tin-hoat-dong")


@pytest.fixture
def head_a(commune_a, member_of):
    return member_of(commune_a, Membership.Role.BOARD_HEAD)


def test_a_second_reader_gets_the_page_from_the_cache_without_the_database(commune_a, category_a):
    article = ArticleFactory(commune=commune_a, category=category_a)
    first, body = get(reader(), article.get_absolute_url())
    assert first.status_code == 200 and first["X-Page-Cache"] == "MISS"
    with CaptureQueriesContext(connection) as queries:
        second, again = get(reader(), article.get_absolute_url())
    assert second["X-Page-Cache"] == "HIT" and again == body
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=30"
    assert "Cookie" not in second.get("Vary", "") and not second.cookies
    assert second["ETag"] == first["ETag"] and second["Last-Modified"] == first["Last-Modified"]


def test_publishing_shows_the_article_at_once_on_cached_home_category_and_article(
    commune_a, category_a, head_a
):
    ArticleFactory(commune=commune_a, category=category_a, title="Bài cũ đã đăng")
    draft = ArticleFactory(commune=commune_a, category=category_a, title="Tin mới: ra quân vệ sinh môi trường",
                           status=Article.Status.PENDING, published_at=None)
    pages = ["/", category_a.get_absolute_url()]
    for path in pages:
        get(reader(), path)
        response, body = get(reader(), path)
        assert response["X-Page-Cache"] == "HIT" and "Tin mới: ra quân" not in body
    assert reader().get(draft.get_absolute_url()).status_code == 404

    news_services.article_publish(article=draft, by=head_a)

    for path in pages + [draft.get_absolute_url()]:
        response, body = get(reader(), path)
        assert response.status_code == 200 and response["X-Page-Cache"] == "MISS", path
        assert "Tin mới: ra quân vệ sinh môi trường" in body, path


def test_withdrawing_and_editing_change_the_cached_pages_at_once(commune_a, category_a, head_a):
    article = ArticleFactory(commune=commune_a, category=category_a, title="Tiêu đề ban đầu")
    url = article.get_absolute_url()
    for path in ["/", url]:
        get(reader(), path)
    article.title = "Tiêu đề đã sửa"
    news_services.article_save(article=article, by=head_a)
    assert "Tiêu đề đã sửa" in get(reader(), url)[1] and "Tiêu đề đã sửa" in get(reader(), "/")[1]
    news_services.article_withdraw(article=Article.objects.get(pk=article.pk), by=head_a, note="Sai số liệu")
    assert reader().get(url).status_code == 404
    assert "Tiêu đề đã sửa" not in get(reader(), "/")[1]


def test_approving_or_hiding_a_comment_changes_the_cached_article(commune_a, category_a, head_a):
    article = ArticleFactory(commune=commune_a, category=category_a)
    comment = CommentFactory(article=article, body="Ý kiến rất hay của bạn đọc", status=Comment.Status.PENDING)
    url = article.get_absolute_url()
    get(reader(), url)
    assert get(reader(), url)[0]["X-Page-Cache"] == "HIT"
    news_services.comment_moderate(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED,
                                   by=head_a)
    assert "Ý kiến rất hay của bạn đọc" in get(reader(), url)[1]
    news_services.comment_moderate(comments=Comment.objects.filter(pk=comment.pk), status=Comment.Status.REJECTED,
                                   by=head_a)
    assert "Ý kiến rất hay của bạn đọc" not in get(reader(), url)[1]


def test_a_new_pending_comment_keeps_the_cache(commune_a, category_a):
    article = ArticleFactory(commune=commune_a, category=category_a)
    get(reader(), article.get_absolute_url())
    CommentFactory(article=article, status=Comment.Status.PENDING)
    assert get(reader(), article.get_absolute_url())[0]["X-Page-Cache"] == "HIT"


def test_a_new_report_shows_at_once_on_the_cached_home(commune_a, head_a):
    draft = ReportSummaryFactory(commune=commune_a, title="Báo cáo sơ kết 6 tháng đầu năm 2026",
                                 status=ReportSummary.Status.PENDING, published_at=None, year=2026)
    get(reader(), "/")
    assert "Báo cáo sơ kết 6 tháng đầu năm 2026" not in get(reader(), "/")[1]
    report_services.report_publish(report=draft, by=head_a)
    assert "Báo cáo sơ kết 6 tháng đầu năm 2026" in get(reader(), "/")[1]


@pytest.mark.django_db(transaction=True)
def test_a_tthc_import_shows_at_once_on_cached_pages(commune_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tthc.services import tthc_import

    get(reader(), "/")
    before = get(reader(), "/")
    assert before[0]["X-Page-Cache"] == "HIT" and "Đến tháng 5/2025" not in before[1]
    data = "\ufeffNăm,Tháng,Lĩnh vực,Kỳ trước chuyển sang,Tiếp nhận,Đã giải quyết,Trước hạn,Đúng hạn,Trễ hạn," \
           "Đang giải quyết\r\n2025,5,Hộ tịch,0,10,10,2,8,0,0\r\n"
    tthc_import(commune=commune_a, upload=SimpleUploadedFile("a.csv", data.encode()))
    after = get(reader(), "/")
    assert after[0]["X-Page-Cache"] == "MISS" and "Đến tháng 5/2025" in after[1]


def test_one_communes_change_keeps_the_other_communes_cache(commune_a, commune_b, category_a, head_a):
    draft = ArticleFactory(commune=commune_a, category=category_a, status=Article.Status.PENDING,
                           published_at=None)
    get(reader("bimatzeta.localhost"), "/")
    news_services.article_publish(article=draft, by=head_a)
    assert get(reader("bimatzeta.localhost"), "/")[0]["X-Page-Cache"] == "HIT"


def test_each_host_gets_its_own_communes_page_never_another(commune_a, commune_b, member_of):
    ArticleFactory(commune=commune_b, title="Tin Bí Mật Zeta")
    for _ in range(2):
        a_home = get(reader(), "/")[1]
        b_home = get(reader("bimatzeta.localhost"), "/")[1]
        assert "Zeta" not in a_home and "Tin Bí Mật Zeta" in b_home and "Thanh Miện" not in b_home
    # An editor of commune A, signed in, on either host: never a cached page, never the other's.
    editor = Client(HTTP_USER_AGENT=BROWSER_UA)
    editor.force_login(member_of(commune_a, Membership.Role.EDITOR))
    own = editor.get("/", HTTP_HOST="thanhmien.localhost")
    other = editor.get("/", HTTP_HOST="bimatzeta.localhost")
    assert own.get("X-Page-Cache") is None and other.get("X-Page-Cache") is None
    assert "Zeta" not in own.content.decode() and "Tin Bí Mật Zeta" in other.content.decode()
    assert "private" in own["Cache-Control"] and "private" in other["Cache-Control"]


def test_signed_in_staff_bypass_the_cache_and_see_changes_without_a_signal(commune_a, category_a, member_of):
    article = ArticleFactory(commune=commune_a, category=category_a, title="Trước khi sửa")
    get(reader(), "/")
    staff = Client(HTTP_HOST="thanhmien.localhost", HTTP_USER_AGENT=BROWSER_UA)
    staff.force_login(member_of(commune_a, Membership.Role.EDITOR))
    Article.objects.filter(pk=article.pk).update(title="Sửa thẳng trong cơ sở dữ liệu")  # no signal
    assert "Sửa thẳng trong cơ sở dữ liệu" in staff.get("/").content.decode()
    assert get(reader(), "/")[0]["X-Page-Cache"] == "HIT"  # readers: until the next change or expiry


def test_conditional_requests_get_304(commune_a, category_a):
    ArticleFactory(commune=commune_a, category=category_a)
    first = reader().get("/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    by_etag = reader().get("/", HTTP_IF_NONE_MATCH=etag)
    assert by_etag.status_code == 304 and by_etag.content == b"" and by_etag["ETag"] == etag
    assert reader().get("/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert reader().get("/", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    old = http_date(time.time() - 3600)
    assert reader().get("/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_shared_links_with_tracking_parameters_use_the_same_entry(commune_a, category_a):
    article = ArticleFactory(commune=commune_a, category=category_a)
    url = article.get_absolute_url()
    get(reader(), url)
    for query in ["?fbclid=IwAR0abc", "?zarsrc=30&utm_source=zalo&utm_medium=zalo"]:
        assert get(reader(), url + query)[0]["X-Page-Cache"] == "HIT", query
    assert get(reader(), url + "?x=" + "1" * 50)[0].get("X-Page-Cache") is None  # unknown: not stored
    assert get(reader(), url + "?trang=2")[0]["X-Page-Cache"] == "MISS"


def test_pages_with_a_csrf_token_or_a_message_are_never_stored(commune_a, category_a):
    from polls.models import Poll, PollOption

    poll = Poll.objects.create(commune=commune_a, question="Bạn thấy trang này thế nào?",
                               opens_at=timezone.now() - timedelta(hours=1))
    PollOption.objects.create(poll=poll, label="Tốt", position=0)
    for _ in range(2):
        detail = reader().get(poll.get_absolute_url())
        assert detail.get("X-Page-Cache") == "BYPASS" and "csrfmiddlewaretoken" in detail.content.decode()
    article = ArticleFactory(commune=commune_a, category=category_a)
    client = reader()
    form = client.get(article.get_absolute_url() + "y-kien/?khung=1")
    assert form["Cache-Control"] == "private, no-store" and "captcha" in form.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    submission = re.search(r'name="submission_id" value="([^"]+)"', form.content.decode()).group(1)
    posted = client.post(article.get_absolute_url() + "y-kien/", {
        "csrfmiddlewaretoken": token, "submission_id": submission, "name": "Bạn đọc", "email": "",
        "body": "Góp ý gửi từ khung ý kiến", "consent": "on", "captcha_0": "x", "captcha_1": "PASSED",
    })
    assert posted.status_code == 302 and posted["Location"].endswith("#y-kien")
    thanks = client.get(article.get_absolute_url())
    assert thanks.get("X-Page-Cache") is None and "Cảm ơn bạn đã gửi ý kiến" in thanks.content.decode()
    assert Comment.objects.filter(article=article, body="Góp ý gửi từ khung ý kiến").exists()
    # The message is shown once; then the shared page again.
    assert "Cảm ơn bạn đã gửi ý kiến" not in client.get(article.get_absolute_url()).content.decode()


def test_the_article_page_holds_no_form_but_a_link_to_it(commune_a, category_a):
    article = ArticleFactory(commune=commune_a, category=category_a)
    body = get(reader(), article.get_absolute_url())[1]
    assert "csrfmiddlewaretoken" not in body and "captcha" not in body
    assert f'href="{article.get_absolute_url()}y-kien/"' in body  # works without JavaScript
    page = reader().get(article.get_absolute_url() + "y-kien/")
    assert page.status_code == 200 and 'class="comment-form"' in page.content.decode()
    assert "<!DOCTYPE html>" in page.content.decode()
    assert reader().get("/bai-viet/khong-co-bai-nay/y-kien/").status_code == 404


def test_a_scheduled_article_appears_when_its_time_comes_without_any_save(commune_a, category_a, head_a):
    draft = ArticleFactory(commune=commune_a, category=category_a, title="Tin hẹn giờ đăng",
                           status=Article.Status.PENDING, published_at=None)
    news_services.article_publish(article=draft, by=head_a, at=timezone.now() + timedelta(seconds=2))
    get(reader(), "/")
    assert "Tin hẹn giờ đăng" not in get(reader(), "/")[1]
    time.sleep(3.1)
    assert "Tin hẹn giờ đăng" in get(reader(), "/")[1]


def test_the_beacon_brings_current_counter_numbers_to_a_cached_page(commune_a):
    page = get(reader(), "/")[1]
    assert 'data-counter="today"' in page
    client = reader()
    answer = client.post("/thong-ke/b", {"p": "/", "box": "1"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    values = answer.json()
    assert set(values) == {key for key, _label in commune_a.counter_rows}
    assert all(isinstance(v, int) for v in values.values())
    assert client.post("/thong-ke/b", {"p": "/"}).status_code == 204


@override_settings(PAGE_CACHE=False)
def test_switched_off_every_page_is_rendered_and_private(commune_a):
    assert reader().get("/").get("X-Page-Cache") is None
    assert "private" in reader().get("/")["Cache-Control"]


def test_head_requests_are_served_from_the_cache_too(commune_a):
    full = reader().get("/")
    head = reader().head("/")
    assert head.status_code == 200 and head["X-Page-Cache"] == "HIT" and head.content == b""
    assert head["Content-Length"] == str(len(full.content))


def test_browsers_that_accept_gzip_get_the_page_compressed_once_when_stored(commune_a, category_a):
    import gzip

    ArticleFactory(commune=commune_a, category=category_a)
    plain = reader().get("/")
    packed = reader().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert int(packed["Content-Length"]) == len(packed.content)
    assert packed["ETag"] != plain["ETag"]
    assert reader().get("/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304
    refused = reader().get("/", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused and refused.content == plain.content
