"""Search at scale: a stored, indexed, unaccented vector on PostgreSQL that no write path can
leave stale, and a search page that ranks a bounded set of candidates and caps its count.

The vector tests need PostgreSQL (the column, trigger and GIN index exist only there); the
search page tests run on both databases.
"""
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from news import selectors
from news.models import Article
from news.services import article_prepare
from tests.factories import ArticleFactory, CategoryFactory

HOST_A = "thanhmien.localhost"
HOST_B = "bimatzeta.localhost"
ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
postgresql_only = pytest.mark.skipif(
    ON_SQLITE, reason="news_article.search_vector, its trigger and GIN index exist only on PostgreSQL "
    "(set DATABASE_URL=postgres://… to run these)",
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE = False


def search(client, query, host=HOST_A, **params):
    return client.get("/tim-kiem/", {"q": query, **params}, HTTP_HOST=host)


def order_on(response, articles):
    content = response.content.decode()
    return [a for _, a in sorted((content.index(a.slug), a) for a in articles if a.slug in content)]


def vector_of(article):
    """{lexeme: set of weights} of the stored vector."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.lexeme, v.weights FROM news_article a, unnest(a.search_vector) v WHERE a.id = %s", [article.pk]
        )
        return {lexeme: set(weights) for lexeme, weights in cursor.fetchall()}


# -- the stored vector (PostgreSQL) -------------------------------------------------------------

@postgresql_only
def test_a_saved_article_gets_an_unaccented_vector_weighted_by_where_the_words_are(commune_a):
    article = ArticleFactory(commune=commune_a, title="Mặt trận Tổ quốc", sapo="Hội nghị Đảng bộ.",
                             body="<p>Đoàn kết <strong>toàn dân</strong>.</p>")
    vector = vector_of(article)
    assert vector["mat"] == {"A"} and vector["quoc"] == {"A"}
    assert vector["hoi"] == {"B"} and vector["dang"] == {"B"}
    assert vector["doan"] == {"C"} and vector["dan"] == {"C"}
    assert not any(ch in "".join(vector) for ch in "ặậổốđĐ")


@postgresql_only
def test_the_vector_follows_every_way_of_writing_the_text(commune_a):
    article = ArticleFactory(commune=commune_a, title="Tin cũ Zirconi", sapo="Sapo.", body="<p>Thân bài.</p>")
    assert "zirconi" in vector_of(article)

    article.title = "Tin mới Hafni"  # the editor's save()
    article_prepare(article)
    article.save()
    assert "hafni" in vector_of(article) and "zirconi" not in vector_of(article)

    Article.objects.filter(pk=article.pk).update(sapo="Sapo về Tantali.")  # QuerySet.update()
    assert vector_of(article)["tantali"] == {"B"}

    article.refresh_from_db()
    article.body_text = "Thân bài về Niobi."
    Article.objects.bulk_update([article], ["body_text"])  # bulk_update()
    assert vector_of(article)["niobi"] == {"C"}

    category = CategoryFactory(commune=commune_a)
    [created] = Article.objects.bulk_create([Article(  # bulk_create(), as imports and the scale data do
        commune=commune_a, category=category, title="Bài nhập hàng loạt Vanadi", slug="bai-nhap", sapo="Sapo.",
        body="<p>Nội dung.</p>", body_text="Nội dung.", status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )])
    assert vector_of(created)["vanadi"] == {"A"}


@postgresql_only
def test_updating_other_columns_keeps_the_vector(commune_a):
    article = ArticleFactory(commune=commune_a, title="Tin Zirconi")
    before = vector_of(article)
    Article.objects.filter(pk=article.pk).update(view_count=7, status=Article.Status.WITHDRAWN)
    article.refresh_from_db()
    article.save()  # every column written again, text unchanged
    assert vector_of(article) == before


@postgresql_only
def test_the_commune_scoped_gin_index_matches_the_expression_search_uses(commune_a, commune_b):
    ArticleFactory(commune=commune_a, title="Tin Zirconi")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'news_article' AND indexdef LIKE '%%gin%%'")
        assert [row[0] for row in cursor.fetchall()] == ["article_search_commune"]
        scoped = selectors.SEARCH_SCOPED_DOCUMENT.format(table="news_article")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM news_article WHERE {scoped} @@ 'zirconi & _c1'::tsquery")
        assert "article_search_commune" in "\n".join(row[0] for row in cursor.fetchall())
        # The commune's lexeme is in the index only: one commune's search never sees another's rows.
        cursor.execute(
            f"SELECT commune_id FROM news_article WHERE {scoped} @@ (to_tsquery('simple', 'zirconi') && %s::tsquery)",
            [f"'_c{commune_b.pk}'"],
        )
        assert cursor.fetchall() == []
    assert "search_vector" not in str(Article.objects.all().query)
    assert "search_vector" not in str(Article.objects.published(commune_a).for_listing().query)


@postgresql_only
def test_an_edited_title_is_found_by_its_new_words_only(client, commune_a):
    article = ArticleFactory(commune=commune_a, title="Hội nghị Zirconi", sapo="Sapo.", body="<p>Nội dung.</p>")
    Article.objects.filter(pk=article.pk).update(title="Hội nghị Hafni")
    assert article.slug in search(client, "hafni").content.decode()
    assert article.slug not in search(client, "zirconi").content.decode()


# -- the search page (both databases) -----------------------------------------------------------

def test_accent_free_words_find_accented_articles_title_before_sapo_before_body(client, commune_a):
    now = timezone.now()
    in_body = ArticleFactory(commune=commune_a, title="Tin thứ nhất", sapo="Sapo thường.",
                             body="<p>Đoàn về xã Kỳ Sơn thăm hỏi.</p>", published_at=now - timedelta(hours=1))
    in_sapo = ArticleFactory(commune=commune_a, title="Tin thứ hai", sapo="Đoàn công tác về Kỳ Sơn.",
                             body="<p>Nội dung.</p>", published_at=now - timedelta(days=3))
    in_title = ArticleFactory(commune=commune_a, title="Kỳ Sơn đón đoàn công tác", sapo="Sapo thường.",
                              body="<p>Nội dung.</p>", published_at=now - timedelta(days=30))
    unrelated = ArticleFactory(commune=commune_a, title="Sơn lại trụ sở xã", sapo="Sapo.", body="<p>Nội dung.</p>")
    response = search(client, "ky son")
    assert order_on(response, [in_body, in_sapo, in_title, unrelated]) == [in_title, in_sapo, in_body]
    assert "Tìm thấy 3 bài viết" in response.content.decode()
    assert "<mark>Kỳ</mark> <mark>Sơn</mark>" in response.content.decode()


def test_equally_relevant_articles_are_listed_newest_first(client, commune_a):
    now = timezone.now()
    made = [ArticleFactory(commune=commune_a, title=f"Kỳ Sơn tin số {i}", sapo="Sapo.", body="<p>Nội dung.</p>",
                           published_at=now - timedelta(hours=i + 1)) for i in range(4)]
    assert order_on(search(client, "Kỳ Sơn"), made) == made


def test_a_very_common_query_ranks_the_newest_candidates_and_says_more_than(client, commune_a, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 12)
    now = timezone.now()
    made = [ArticleFactory(commune=commune_a, title=f"Mặt trận tin số {i:02d}", sapo="Sapo.",
                           body="<p>Nội dung.</p>", published_at=now - timedelta(hours=i + 1)) for i in range(15)]
    first = search(client, "mat tran")
    content = first.content.decode()
    assert "Tìm thấy hơn 12 bài viết" in content
    assert "Trang 1 / 2" in content
    assert order_on(first, made) == made[:10]
    second = search(client, "mat tran", trang="2")
    assert order_on(second, made) == made[10:12]  # the three oldest are beyond the candidates
    assert search(client, "mat tran", trang="3").status_code == 404


def test_rare_words_older_than_the_recent_window_are_found_ranked_and_counted(
    client, commune_a, commune_b, monkeypatch
):
    """On PostgreSQL the newest SEARCH_RECENT_WINDOW articles are checked first; rarer words come
    from the commune-scoped index. Both ways give the same answer."""
    monkeypatch.setattr(selectors, "SEARCH_RECENT_WINDOW", 4)
    now = timezone.now()
    category = CategoryFactory(commune=commune_a)
    for i in range(6):  # the recent window holds none of the matches
        ArticleFactory(commune=commune_a, category=category, title=f"Tin mới số {i}", sapo="Sapo.",
                       body="<p>Nội dung.</p>", published_at=now - timedelta(minutes=i + 1))
    in_body = ArticleFactory(commune=commune_a, category=category, title="Tin cũ", sapo="Sapo.",
                             body="<p>Thôn Xuân Tâm ra quân.</p>", published_at=now - timedelta(days=10))
    in_title = ArticleFactory(commune=commune_a, category=category, title="Thôn Xuân Tâm ra quân", sapo="Sapo.",
                              body="<p>Nội dung.</p>", published_at=now - timedelta(days=20))
    draft = ArticleFactory(commune=commune_a, category=category, title="Xuân Tâm bản nháp",
                           status=Article.Status.DRAFT, published_at=None)
    elsewhere = ArticleFactory(commune=commune_b, title="Thôn Xuân Tâm xã khác", sapo="Sapo.")
    response = search(client, "xuan tam")
    assert order_on(response, [in_body, in_title, draft, elsewhere]) == [in_title, in_body]
    assert "Tìm thấy 2 bài viết" in response.content.decode()

    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 1)  # more matches than candidates: "more than"
    response = search(client, "xuan tam")
    assert order_on(response, [in_body, in_title]) == [in_body]
    assert "Tìm thấy hơn 1 bài viết" in response.content.decode()


def test_search_runs_the_same_queries_for_3_or_60_matches(client, commune_a, commune_b):
    counts = []
    for commune, host, n in [(commune_a, HOST_A, 3), (commune_b, HOST_B, 60)]:
        category = CategoryFactory(commune=commune)
        for i in range(n):
            ArticleFactory(commune=commune, category=category, title=f"Mặt trận tin {i}")
        pages = ["1"] if n < 10 else ["1", "4"]
        for trang in pages:
            search(client, "mat tran", host=host, trang=trang)  # the host lookup is cached now
            with CaptureQueriesContext(connection) as captured:
                assert search(client, "mat tran", host=host, trang=trang).status_code == 200
            counts.append(len(captured.captured_queries))
    assert len(set(counts)) == 1


def _explain(sql, params):
    """EXPLAIN (ANALYZE) of the search query as JSON: every node with the CTE or subplan it belongs to."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0]["Plan"] if isinstance(plan, list) else plan
    nodes = []

    def walk(node, owner):
        owner = node.get("Subplan Name") or owner
        nodes.append((owner, node))
        for child in node.get("Plans", []):
            walk(child, owner)

    walk(plan, None)
    return nodes


def _probe_walked_any_row(nodes):
    scans = [node for owner, node in nodes if owner == "CTE probe" and node.get("Relation Name") == "news_article"]
    assert scans, "the probe's scan of news_article is in the plan"
    return any(node["Actual Loops"] > 0 for node in scans)


@postgresql_only
def test_with_statistics_a_rare_word_skips_the_probe_and_a_common_one_uses_it(client, commune_a, monkeypatch):
    """ANALYZE says which words are rare (pg_stats); for those the recent window is not walked at
    all, and the answer is the same as through the probe."""
    monkeypatch.setattr(selectors, "SEARCH_RECENT_WINDOW", 40)
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 20)  # rare: in fewer than 1 article in 2
    now = timezone.now()
    category = CategoryFactory(commune=commune_a)
    words = ["Hội nghị", "Đoàn kết", "An sinh", "Nông thôn", "Khuyến học", "Văn hóa", "Môi trường", "Quỹ"]
    common = [ArticleFactory(commune=commune_a, category=category, title=f"Mặt trận: {words[i % 8]} số {i}",
                             sapo="Sapo.", body=f"<p>{words[(i + 3) % 8]}.</p>",
                             published_at=now - timedelta(hours=i + 1))
              for i in range(80)]
    rare = [ArticleFactory(commune=commune_a, category=category, title=f"Mặt trận: thôn Xuân Tâm ra quân {i}",
                           sapo="Sapo.", body="<p>Nội dung.</p>", published_at=now - timedelta(days=30 + i))
            for i in range(2)]

    def ids_and_plan(query):
        terms = selectors.search_terms(query)
        sql, params = selectors.search_sql_postgresql(terms, commune_id=commune_a.pk, now=now, offset=0, limit=10)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        return ids, _probe_walked_any_row(_explain(sql, params))

    # Without statistics (here: those of a table that does not exist), the probe always decides.
    real_params = selectors.search_rare_params
    monkeypatch.setattr(selectors, "search_rare_params", lambda terms: (*real_params(terms)[:1], "no_such_table",
                                                                         list(terms)))
    before = {q: ids_and_plan(q) for q in ("xuan tam", "mat tran", "mat tran xuan tam")}
    assert all(walked for _ids, walked in before.values())
    monkeypatch.setattr(selectors, "search_rare_params", real_params)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_article")
        cursor.execute(f"WITH rare AS ({selectors.SEARCH_RARE_SQL}) SELECT yes FROM rare",
                       selectors.search_rare_params(["xuan", "tam"]))
        assert cursor.fetchone()[0] is True
        cursor.execute(f"WITH rare AS ({selectors.SEARCH_RARE_SQL}) SELECT yes FROM rare",
                       selectors.search_rare_params(["mat", "tran"]))
        assert cursor.fetchone()[0] is False
    after = {q: ids_and_plan(q) for q in before}
    assert after["xuan tam"] == (before["xuan tam"][0], False)  # same answer, the window not walked
    assert after["mat tran xuan tam"] == (before["mat tran xuan tam"][0], False)
    assert after["mat tran"] == (before["mat tran"][0], True)
    assert set(before["xuan tam"][0]) == {a.pk for a in rare}
    assert before["mat tran"][0] == [a.pk for a in common[:10]]
    response = search(client, "Xuân Tâm")
    assert order_on(response, rare + common[:5]) == rare
    assert "Tìm thấy 2 bài viết" in response.content.decode()
