"""Category and tag pages that stay fast at any depth: ids from the index, no full count.

A list is read a window at a time (this page and PAGES_AHEAD more), so a reader gets the
right articles at every page boundary, children's articles merged in date order, page links
around the current page, the total once the end is in sight, and a 404 past the end, in a
number of SQL queries that does not depend on the size of the list or the page number.
"""
from datetime import timedelta
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from news import selectors
from news.models import Article, Category
from tests.factories import ArticleFactory, CategoryFactory, TagFactory

HOST_A = "thanhmien.localhost"
HOST_B = "bimatzeta.localhost"
PER_PAGE = selectors.PAGE_SIZE
WINDOW = PER_PAGE * (1 + selectors.PAGES_AHEAD)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Every request here reaches the view: the point is what the view reads."""
    settings.PAGE_CACHE = False


def get(client, path, host=HOST_A):
    return client.get(path, HTTP_HOST=host)


def titles_on(response, articles):
    """The titles of ``articles`` in the order the page lists them."""
    content = response.content.decode()
    found = [(content.index(a.title), a.title) for a in articles if a.title in content]
    return [title for _, title in sorted(found)]


def queries(client, path, host=HOST_A):
    """SQL queries of one request, after a first one has cached the host lookup."""
    get(client, path, host=host)
    with CaptureQueriesContext(connection) as captured:
        response = get(client, path, host=host)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


def articles(commune, category, n, *, at=None, prefix="Bài"):
    """``n`` articles, newest first; all at the same time when ``at`` is given."""
    now = timezone.now()
    return [
        ArticleFactory(commune=commune, category=category, title=f"{prefix} số {i:03d}",
                       published_at=at or now - timedelta(minutes=i + 1))
        for i in range(n)
    ]


def test_pages_of_articles_published_at_the_same_moment_neither_repeat_nor_skip_one(client, commune_a):
    category = CategoryFactory(commune=commune_a)
    same_time = timezone.now() - timedelta(hours=2)
    made = articles(commune_a, category, 25, at=same_time)
    expected = [a.title for a in sorted(made, key=lambda a: a.pk, reverse=True)]  # ties: newest id first
    pages = [titles_on(get(client, f"{category.get_absolute_url()}?trang={n}"), made) for n in (1, 2, 3)]
    assert pages == [expected[:10], expected[10:20], expected[20:]]
    assert get(client, f"{category.get_absolute_url()}?trang=4").status_code == 404


def test_parent_category_merges_its_childrens_articles_by_date_on_every_page(client, commune_a):
    parent = CategoryFactory(commune=commune_a, name="Tin tức")
    first_child = CategoryFactory(commune=commune_a, name="Kinh tế", parent=parent)
    second_child = CategoryFactory(commune=commune_a, name="Văn hóa", parent=parent)
    other = CategoryFactory(commune=commune_a, name="Thông báo")
    now = timezone.now()
    made = []
    for i in range(27):
        category = [parent, first_child, second_child][i % 3]
        made.append(ArticleFactory(commune=commune_a, category=category, title=f"Tin gộp số {i:03d}",
                                   published_at=now - timedelta(minutes=i + 1)))
    stranger = ArticleFactory(commune=commune_a, category=other, title="Tin chuyên mục khác",
                              published_at=now - timedelta(minutes=5, seconds=30))
    expected = [a.title for a in made]
    pages = [get(client, f"{parent.get_absolute_url()}?trang={n}") for n in (1, 2, 3)]
    assert [titles_on(p, made) for p in pages] == [expected[:10], expected[10:20], expected[20:]]
    assert all(stranger.title not in p.content.decode() for p in pages)
    assert "Trang 3 / 3" in pages[2].content.decode()
    # A child's page lists only its own articles.
    child_page = get(client, first_child.get_absolute_url())
    assert titles_on(child_page, made) == [a.title for a in made if a.category_id == first_child.pk][:10]


def test_a_long_parent_category_is_paged_through_its_children_without_a_count(client, commune_a):
    parent = CategoryFactory(commune=commune_a, name="Tin tức")
    child = CategoryFactory(commune=commune_a, name="Kinh tế", parent=parent)
    now = timezone.now()
    made = [ArticleFactory(commune=commune_a, category=child if i % 2 else parent, title=f"Tin dài số {i:03d}",
                           published_at=now - timedelta(minutes=i + 1)) for i in range(WINDOW * 2 + 5)]
    first = get(client, parent.get_absolute_url()).content.decode()
    assert "<span>Trang 1</span>" in first and 'href="?trang=3" aria-label="Trang 3"' in first
    pages = [get(client, f"{parent.get_absolute_url()}?trang={n}") for n in range(1, 8)]
    assert [t for p in pages for t in titles_on(p, made)] == [a.title for a in made]
    assert "Trang 5 / 7" in pages[4].content.decode() and "Trang 7 / 7" in pages[6].content.decode()
    assert get(client, f"{parent.get_absolute_url()}?trang=8").status_code == 404


def test_last_page_shows_the_total_and_no_next_link_and_the_page_after_is_404(client, commune_a):
    category = CategoryFactory(commune=commune_a)
    made = articles(commune_a, category, 23)
    last = get(client, f"{category.get_absolute_url()}?trang=3")
    content = last.content.decode()
    assert titles_on(last, made) == [a.title for a in made[20:]]
    assert "Trang 3 / 3" in content
    assert 'rel="next"' not in content
    assert 'rel="prev" href="?trang=2"' in content
    assert get(client, f"{category.get_absolute_url()}?trang=4").status_code == 404
    assert get(client, f"{category.get_absolute_url()}?trang=99999999").status_code == 404


def test_a_long_list_links_pages_around_the_current_one_without_counting_to_the_end(client, commune_a):
    category = CategoryFactory(commune=commune_a)
    made = articles(commune_a, category, WINDOW * 2 + 5)  # 65 with 10 a page and 2 pages ahead
    first = get(client, category.get_absolute_url()).content.decode()
    # The end is not in sight: no total, numbered links to the next pages, an ellipsis.
    assert re.search(r"<span>Trang 1</span>", first)
    assert 'aria-current="page" href="?trang=1"' in first
    assert 'href="?trang=2" aria-label="Trang 2"' in first and 'href="?trang=3" aria-label="Trang 3"' in first
    assert 'href="?trang=4"' not in first
    assert 'rel="next" href="?trang=2"' in first and 'rel="prev"' not in first
    assert "…" in first
    assert "Trang đầu" not in first

    middle = get(client, f"{category.get_absolute_url()}?trang=5")
    content = middle.content.decode()
    assert titles_on(middle, made) == [a.title for a in made[40:50]]
    assert 'href="?trang=1">« Trang đầu' in content
    assert 'rel="prev" href="?trang=4"' in content and 'rel="next" href="?trang=6"' in content
    assert all(f'href="?trang={n}" aria-label="Trang {n}"' in content for n in (3, 4, 6, 7))
    assert 'aria-current="page" href="?trang=5"' in content
    assert "Trang 5 / 7" in content  # the end (page 7) is within the window now

    last = get(client, f"{category.get_absolute_url()}?trang=7")
    assert titles_on(last, made) == [a.title for a in made[60:]]
    assert get(client, f"{category.get_absolute_url()}?trang=8").status_code == 404


def test_hidden_articles_do_not_take_a_place_on_any_page(client, commune_a, commune_b):
    category = CategoryFactory(commune=commune_a)
    made = articles(commune_a, category, 12)
    now = timezone.now()
    hidden = [
        ArticleFactory(commune=commune_a, category=category, title="Bản nháp", status=Article.Status.DRAFT,
                       published_at=now - timedelta(seconds=30)),
        ArticleFactory(commune=commune_a, category=category, title="Hẹn giờ", published_at=now + timedelta(days=1)),
    ]
    pages = [get(client, f"{category.get_absolute_url()}?trang={n}") for n in (1, 2)]
    assert [titles_on(p, made) for p in pages] == [[a.title for a in made[:10]], [a.title for a in made[10:]]]
    assert all(h.title not in p.content.decode() for h in hidden for p in pages)
    assert "Trang 2 / 2" in pages[1].content.decode()


def test_tag_pages_are_numbered_the_same_way(client, commune_a):
    tag = TagFactory(commune=commune_a, name="Bầu cử")
    category = CategoryFactory(commune=commune_a)
    made = articles(commune_a, category, 13)
    for article in made:
        article.tags.add(tag)
    untagged = ArticleFactory(commune=commune_a, category=category, title="Tin không gắn thẻ")
    first, second = (get(client, f"{tag.get_absolute_url()}?trang={n}") for n in (1, 2))
    assert titles_on(first, made) == [a.title for a in made[:10]]
    assert titles_on(second, made) == [a.title for a in made[10:]]
    assert untagged.title not in first.content.decode()
    assert "Trang 1 / 2" in first.content.decode()
    assert get(client, f"{tag.get_absolute_url()}?trang=3").status_code == 404


@pytest.mark.parametrize("trang", ["0", "-1", "1.5", "abc", "٣", "1e3", " 2", "2 "])
def test_a_page_number_that_is_not_a_positive_whole_number_is_404(client, commune_a, trang):
    category = CategoryFactory(commune=commune_a)
    articles(commune_a, category, 12)
    assert client.get(category.get_absolute_url(), {"trang": trang}, HTTP_HOST=HOST_A).status_code == 404


def test_category_pages_run_the_same_queries_for_3_or_80_articles_on_the_first_or_a_deep_page(
    client, commune_a, commune_b
):
    counts = {}
    for commune, host, n in [(commune_a, HOST_A, 3), (commune_b, HOST_B, 80)]:
        parent = CategoryFactory(commune=commune, name="Tin tức")
        child = CategoryFactory(commune=commune, name="Kinh tế", parent=parent)
        plain = CategoryFactory(commune=commune, name="Thông báo")
        for i in range(n):
            ArticleFactory(commune=commune, category=[parent, child, plain][i % 3])
        deepest = max(1, (n // 3) // PER_PAGE)
        counts[n] = [
            queries(client, parent.get_absolute_url(), host),
            queries(client, f"{parent.get_absolute_url()}?trang={deepest}", host),
            queries(client, plain.get_absolute_url(), host),
        ]
    assert counts[3] == counts[80]
    assert len(set(counts[80])) == 1


def test_tag_page_runs_the_same_queries_for_3_or_60_articles(client, commune_a, commune_b):
    counts = []
    for commune, host, n in [(commune_a, HOST_A, 3), (commune_b, HOST_B, 60)]:
        tag = TagFactory(commune=commune, name="Đại hội")
        category = CategoryFactory(commune=commune)
        for _ in range(n):
            ArticleFactory(commune=commune, category=category).tags.add(tag)
        counts.append(queries(client, tag.get_absolute_url(), host))
        if n > 30:
            counts.append(queries(client, f"{tag.get_absolute_url()}?trang=5", host))
    assert len(set(counts)) == 1


def test_deep_page_reads_only_ids_before_its_ten_rows(commune_a):
    """The deferred join: one query for a window of ids, one for the rows of this page only."""
    category = Category.objects.prefetch_related("children").get(pk=CategoryFactory(commune=commune_a).pk)
    articles(commune_a, category, 45)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.category_page(commune_a, category, number=4)
    ids_sql, rows_sql = (q["sql"] for q in captured.captured_queries)
    assert "count(" not in ids_sql.lower()
    assert '"title"' not in ids_sql and '"title"' in rows_sql
    assert len(page.object_list) == 10 and page.num_pages == 5 and page.count == 45
