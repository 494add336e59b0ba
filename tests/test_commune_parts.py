"""The parts every page of a commune shows (categories, open poll), kept per commune under the
page-cache generation (mttq_portal.commune_parts): read once, stale the moment they change, per
commune, never past a poll opening or closing, and read from the database when the cache is down."""
from datetime import timedelta
import time

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
import pytest

from mttq_portal import commune_parts, page_cache
from mttq_portal.slug_urls import slug_url
from news.models import Article, Category
from polls.models import Poll, PollOption
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db
BROWSER_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


def reader(host="thanhmien.localhost"):
    return Client(HTTP_HOST=host, HTTP_USER_AGENT=BROWSER_UA)


def page(path="/", host="thanhmien.localhost"):
    response = reader(host).get(path)
    assert response.status_code == 200
    return response.content.decode()


def queries(path, host="thanhmien.localhost"):
    with CaptureQueriesContext(connection) as captured:
        assert reader(host).get(path).status_code == 200
    return [q["sql"] for q in captured]


def nav_of(body):
    return body.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]


@override_settings(PAGE_CACHE=False)
def test_categories_are_read_once_then_from_the_cache(commune_a):
    category = CategoryFactory(commune=commune_a, name="Tin hoạt động")
    article = ArticleFactory(commune=commune_a, category=category)
    first = queries(article.get_absolute_url())
    assert any('FROM "news_category"' in sql for sql in first)
    again = queries(article.get_absolute_url())
    assert not any('FROM "news_category"' in sql for sql in again), again
    assert not any('JOIN "news_category"' in sql for sql in again), "the article query joins no category"
    assert len(again) <= 6, again  # the article, its tags, photos, related articles and comments


@override_settings(PAGE_CACHE=False)
def test_a_category_change_shows_on_the_next_page(commune_a):
    news = CategoryFactory(commune=commune_a, name="Tin tức")
    assert "Tin tức" in nav_of(page())
    news.name = "Tin hoạt động"
    news.save()
    assert "Tin hoạt động" in nav_of(page()) and "Tin tức" not in nav_of(page())
    CategoryFactory(commune=commune_a, name="Chuyên mục mới")
    assert "Chuyên mục mới" in nav_of(page())
    Category.objects.filter(pk=news.pk).update(show_in_nav=False)  # a bulk update sends no signal...
    page_cache.commune_changed(commune_a.pk)  # ...so whoever does one says so (as the admin actions do)
    assert "Tin hoạt động" not in nav_of(page())
    Category.objects.get(name="Chuyên mục mới").delete()
    assert "Chuyên mục mới" not in nav_of(page())


@override_settings(PAGE_CACHE=False)
def test_an_article_page_shows_its_category_and_parent_from_the_kept_categories(commune_a):
    parent = CategoryFactory(commune=commune_a, name="Tin tức")
    child = CategoryFactory(commune=commune_a, name="Kinh tế", parent=parent)
    article = ArticleFactory(commune=commune_a, category=child)
    ArticleFactory(commune=commune_a, category=child, title="Bài cùng chuyên mục")
    page(article.get_absolute_url())  # the categories are kept now
    parent.name = "Thời sự"
    parent.save()
    body = page(article.get_absolute_url())
    crumbs = body.split('class="crumbs"', 1)[1].split("</nav>", 1)[0]
    assert "Thời sự" in crumbs and "Kinh tế" in crumbs and parent.get_absolute_url() in crumbs
    assert "Bài cùng chuyên mục" in body


def test_one_communes_parts_never_show_on_another(commune_a, commune_b):
    CategoryFactory(commune=commune_a, name="Chỉ của Thanh Miện")
    CategoryFactory(commune=commune_b, name="Chỉ của Zeta")
    for _ in range(2):
        a, b = page(host="thanhmien.localhost"), page(host="bimatzeta.localhost")
        assert "Chỉ của Thanh Miện" in a and "Chỉ của Zeta" not in a
        assert "Chỉ của Zeta" in b and "Chỉ của Thanh Miện" not in b


@override_settings(PAGE_CACHE=False)
def test_a_poll_opening_by_the_clock_shows_without_any_save(commune_a):
    poll = Poll.objects.create(commune=commune_a, question="Câu hỏi mở sau hai giây?",
                               opens_at=timezone.now() + timedelta(seconds=2))
    PollOption.objects.create(poll=poll, label="Có", position=0)
    assert poll.question not in page()
    assert poll.question not in page()  # kept, without the poll, but only until it opens
    time.sleep(3.2)
    assert poll.question in page()


@override_settings(PAGE_CACHE=False)
def test_a_part_read_while_its_commune_changes_is_not_kept_past_the_change(commune_a):
    category = CategoryFactory(commune=commune_a, name="Tên cũ")
    request = RequestFactory().get("/")
    request.commune = commune_a
    parts = commune_parts._Parts(commune_a)
    parts.load()  # the generation is read first...
    Category.objects.filter(pk=category.pk).update(name="Tên mới")
    page_cache.commune_changed(commune_a.pk)  # ...a save commits while this request still reads
    parts.get("categories")  # kept under the generation read before the change
    assert "Tên mới" in nav_of(page())


def test_with_the_cache_down_pages_read_their_parts_from_the_database(commune_a):
    CategoryFactory(commune=commune_a, name="Vẫn hiện")
    down = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}}}
    with override_settings(CACHES=down, PAGE_CACHE=False):
        request = RequestFactory().get("/")
        request.commune = commune_a
        names = [category.name for category in commune_parts.part(request, "categories")]
    assert names == ["Vẫn hiện"]


def test_slug_url_equals_reverse():
    for name in ("news:article", "news:category", "news:tag", "reports:detail"):
        for slug in ("tin-tuc", "a", "bai_viet-2026", "x" * 200):
            assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})
    # Not a plain slug: reverse decides (it quotes, or refuses what the URL pattern cannot hold).
    with pytest.raises(NoReverseMatch):
        slug_url("news:category", "tin-tức")
    article = Article(slug="bai-viet-mot")
    assert article.get_absolute_url() == "/bai-viet/bai-viet-mot/"


@override_settings(PAGE_CACHE=False, COMMUNE_PARTS=False)
def test_with_commune_parts_off_every_page_reads_its_categories(commune_a):
    article = ArticleFactory(commune=commune_a, category=CategoryFactory(commune=commune_a))
    for _ in range(2):
        assert any('FROM "news_category"' in sql for sql in queries(article.get_absolute_url()))
