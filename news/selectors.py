"""Reads for the public pages. Each runs a fixed number of queries whatever the data size."""
from datetime import timedelta
import math
import re
import unicodedata

from django.core.paginator import EmptyPage
from django.db import connection
from django.db.models import BooleanField, F, Q, Sum, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from mttq_portal import commune_parts
from mttq_portal.vietnamese import VN_TZ, fold_vietnamese

from .models import LISTING_FIELDS, Article, ArticleDailyView, Category, Comment

LATEST_PER_CATEGORY = 4
MOST_READ_DAYS = 30


@commune_parts.register("categories")
def categories_of(commune):
    """Every category of the commune in display order, each with its parent attached and its
    children prefetched (two queries). Kept per commune (mttq_portal.commune_parts): pages take
    their categories from here instead of joining them into every article query."""
    every = list(Category.objects.filter(commune=commune).prefetch_related("children"))
    by_id = {category.pk: category for category in every}
    for category in every:
        if category.parent_id in by_id:
            category.parent = by_id[category.parent_id]
    return every


def category_by_slug(categories, slug):
    return next((category for category in categories if category.slug == slug), None)


def nav_categories(categories):
    """The top-level categories shown in the navigation, from ``categories_of``."""
    return [category for category in categories if category.parent_id is None and category.show_in_nav]


def article_featured(commune):
    return Article.objects.published(commune).for_listing().filter(is_featured=True).first() or (
        Article.objects.published(commune).for_listing().first()
    )


def articles_latest_by_category(commune, *, per_category=LATEST_PER_CATEGORY, exclude_id=None, categories=None):
    """[(category, [articles])] for the home page: three queries whatever the number of articles.

    Articles of a child category are shown under its top-level category. On PostgreSQL the
    newest few of each category come from one UNION ALL of small index scans (article_category_public),
    so the cost does not grow with the commune's archive; a window over every published article
    would sort them all (100,000 rows for a big town). SQLite, which cannot limit the parts of a
    UNION, keeps the window (its databases are small). ``categories``: ``categories_of``, as kept
    per commune (one query less).
    """
    if categories is None:
        categories = Category.objects.filter(commune=commune).order_by("position", "name")
    every = list(categories)
    categories = [c for c in every if c.parent_id is None and c.show_on_home]
    top_of = {c.pk: (c.parent_id or c.pk) for c in every}
    shown = {c.pk for c in categories}
    wanted = [pk for pk, top in top_of.items() if top in shown]
    if not wanted:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [
            Article.objects.published(commune).filter(category_id=pk).exclude(pk=exclude_id)
            .order_by("-published_at", "-id").values_list("id", flat=True)[:per_category]
            for pk in wanted
        ]
        ids = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
        candidates = sorted(Article.objects.for_listing().filter(pk__in=ids),
                            key=lambda a: (a.published_at, a.pk), reverse=True)
        grouped = {}
        for article in candidates:
            group = grouped.setdefault(top_of[article.category_id], [])
            if len(group) < per_category:
                group.append(article)
        return [(category, grouped[category.pk]) for category in categories if grouped.get(category.pk)]
    top = Coalesce(F("category__parent_id"), F("category_id"))
    ranked = (
        Article.objects.published(commune)
        .for_listing()
        .filter(category_id__in=wanted)
        .exclude(pk=exclude_id)
        .annotate(
            top_category_id=top,
            rank=Window(RowNumber(), partition_by=[top], order_by=[F("published_at").desc(), F("id").desc()]),
        )
        .filter(rank__lte=per_category)
    )
    grouped = {}
    for article in ranked:
        grouped.setdefault(article.top_category_id, []).append(article)
    return [(category, grouped.get(category.pk, [])) for category in categories if grouped.get(category.pk)]


def articles_most_read(commune, *, limit=5, days=MOST_READ_DAYS, now=None):
    """Published articles with the most views in the last ``days`` days (GMT+7)."""
    today = timezone.localtime(now or timezone.now(), VN_TZ).date()
    since = today - timedelta(days=days - 1)
    top = list(
        ArticleDailyView.objects.filter(
            article__in=Article.objects.published(commune), day__gte=since
        )
        .values("article_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "-article_id")[:limit]
    )
    by_id = Article.objects.for_listing().in_bulk([row["article_id"] for row in top])
    result = []
    for row in top:
        article = by_id.get(row["article_id"])
        if article is not None:
            article.recent_views = row["total"]
            result.append(article)
    return result


def category_articles(commune, category):
    """A category's published articles, its children's included (feeds; pages use category_page)."""
    return (
        Article.objects.published(commune)
        .for_listing()
        .filter(Q(category=category) | Q(category__parent=category))
        .order_by("-published_at", "-id")
    )


# -- pages of a long list -----------------------------------------------------------------------

PAGE_SIZE = 10
PAGES_AHEAD = 2  # page links shown after the current one
LIST_ORDER = ("-published_at", "-id")


class ListPage:
    """One page of a list whose length is known only as far as it was read.

    Quacks like Django's ``Page`` for the templates (``number``, ``has_next``…), but never
    counts the whole list: ``count`` and ``num_pages`` are None when the list goes on past what
    was read (``PAGES_AHEAD`` pages after this one), and ``count_capped`` says a search stopped
    counting at its cap.
    """

    def __init__(self, object_list, *, number, per_page, seen, more, count_capped=False):
        self.object_list = object_list
        self.number = number
        self.per_page = per_page
        self.count_capped = count_capped
        self.count = None if more and not count_capped else (number - 1) * per_page + seen
        self.last_known = number + max(0, math.ceil((seen - per_page) / per_page))
        self.num_pages = None if more else self.last_known

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.last_known > self.number

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous() or self.has_next()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    @property
    def page_range(self):
        """The page numbers linked around this one."""
        return range(max(1, self.number - PAGES_AHEAD), min(self.last_known, self.number + PAGES_AHEAD) + 1)

    @property
    def shows_first(self):
        return self.number - PAGES_AHEAD > 1

    @property
    def more_after_range(self):
        return self.num_pages is None or self.num_pages > self.number + PAGES_AHEAD


def list_page(queryset, *, number, per_page=PAGE_SIZE, ids=None):
    """Page ``number`` of ``queryset`` (newest first) in two queries, without counting it all.

    A deferred join: the ids of this page and of the next ``PAGES_AHEAD`` pages (one more to
    know whether the list goes on) come from an index-only scan with OFFSET; then only this
    page's rows are read, with what a list shows. ``ids`` may be given instead of running the
    first query (see ``category_page``). Raises ``EmptyPage`` past the end.
    """
    offset = (number - 1) * per_page
    window = per_page * (1 + PAGES_AHEAD) + 1
    if ids is None:
        ids = list(queryset.order_by(*LIST_ORDER).values_list("pk", flat=True)[offset : offset + window])
    if not ids and number > 1:
        raise EmptyPage("Không có trang này.")
    page_ids = ids[:per_page]
    rows = Article.objects.for_listing().in_bulk(page_ids) if page_ids else {}
    return ListPage(
        [rows[pk] for pk in page_ids if pk in rows], number=number, per_page=per_page,
        seen=len(ids), more=len(ids) == window,
    )


def category_page(commune, category, *, number, per_page=PAGE_SIZE):
    """Page ``number`` of a category's published articles, its children's included.

    ``category.children`` should be prefetched (the page lists them anyway). With children,
    each category's newest ``offset + window`` ids come from its own ordered index range and
    are merged (UNION ALL, then one small sort): reading the categories as one ``IN`` list
    would sort every article of them on every page.
    """
    published = Article.objects.published(commune)
    category_ids = [category.pk] + [child.pk for child in category.children.all()]
    if len(category_ids) == 1 or not connection.features.supports_slicing_ordering_in_compound:
        return list_page(published.filter(category_id__in=category_ids), number=number, per_page=per_page)
    offset = (number - 1) * per_page
    window = per_page * (1 + PAGES_AHEAD) + 1
    parts = [
        published.filter(category_id=pk).order_by(*LIST_ORDER).values_list("pk", "published_at")[: offset + window]
        for pk in category_ids
    ]
    merged = parts[0].union(*parts[1:], all=True).order_by("-published_at", "-pk")[offset : offset + window]
    return list_page(None, number=number, per_page=per_page, ids=[pk for pk, _ in merged])


def tag_page(commune, tag, *, number, per_page=PAGE_SIZE):
    return list_page(Article.objects.published(commune).filter(tags=tag), number=number, per_page=per_page)


def article_for_reader(commune, slug, *, categories=None):
    """The published article ``slug`` of this commune, or None (three queries: the article with its
    report link, its tags, its photos). ``categories`` (``categories_of``, as kept per commune)
    spares joining the category and its parent."""
    found = Article.objects.published(commune).filter(slug=slug).order_by()
    if categories is None:
        found = found.select_related("category", "category__parent", "related_report")
    else:
        found = found.select_related("related_report")
    item = next(iter(found[:1]), None)
    if item is None:
        return None
    if categories is not None:
        category = next((c for c in categories if c.pk == item.category_id), None)
        if category is not None:  # else (a category made a moment ago) it is read when used
            item.category = category
    # What prefetch_related("tags", "gallery") would store, without its bookkeeping (a third of
    # the cost of these two small queries): ``article.tags.all`` then reads no more.
    _keep_related(item, "tags", item.tags.all())
    _keep_related(item, "gallery", item.gallery.all())
    return item


def _keep_related(instance, name, queryset):
    queryset._fetch_all()
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def article_related(article, *, limit=4):
    """The newest other articles of the article's category (one query: their category is the article's)."""
    related = list(
        Article.objects.published(article.commune_id)
        .only(*LISTING_FIELDS)
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .order_by("-published_at", "-id")[:limit]
    )
    for item in related:
        item.category = article.category
    return related


def comments_approved(article):
    return list(Comment.objects.approved().filter(article=article).only("id", "name", "body", "created_at"))


# -- search -------------------------------------------------------------------------------------

SEARCH_MAX_TERMS = 8


def search_terms(query):
    """Folded words of a query: "Mặt trận TỔ QUỐC" -> ["mat", "tran", "to", "quoc"]."""
    return re.findall(r"[a-z0-9]+", fold_vietnamese(query or ""))[:SEARCH_MAX_TERMS]


SEARCH_CANDIDATES = 500  # the newest matches that are ranked; beyond them the page says "more than"
SEARCH_RECENT_WINDOW = 4000  # PostgreSQL: how many of the newest articles are checked one by one first
# The expression of the article_search_commune GIN index (migration 0008): the stored vector plus a
# lexeme naming the commune. Must stay equal to the migration's for the index to be used.
SEARCH_SCOPED_DOCUMENT = "({table}.search_vector || array_to_tsvector(ARRAY['_c' || {table}.commune_id::text]))"


def article_search_page(commune, query, *, number, per_page=PAGE_SIZE):
    """Page ``number`` of this commune's published articles matching every word of ``query``.

    Both databases ignore case and diacritics and match whole words. A common word ("mat tran"
    is in nearly every article) can match a hundred thousand articles, and ranking them all
    would take seconds; so the candidates are the newest ``SEARCH_CANDIDATES`` matches, ranked
    among themselves (title before sapo before body, then newest), and ``count_capped`` tells
    the page to say "more than 500" instead of counting further.

    PostgreSQL: the stored ``news_article.search_vector`` (kept by a trigger, migration 0005)
    ranked by ts_rank, in one query (see ``_search_postgresql``), then one for the page's rows.
    SQLite: the words as whole-word regexes over the folded ``search_text``, ranked in Python,
    in one query. Raises ``EmptyPage`` past the last page.
    """
    terms = search_terms(query)
    offset = (number - 1) * per_page
    if not terms or offset >= SEARCH_CANDIDATES:
        if number > 1:
            raise EmptyPage("Không có trang này.")
        return ListPage([], number=number, per_page=per_page, seen=0, more=False)
    if connection.vendor == "postgresql":
        ids, total = _search_postgresql(terms, commune_id=getattr(commune, "pk", commune), now=timezone.now(),
                                        offset=offset, limit=per_page)
        rows = Article.objects.for_listing().in_bulk(ids) if ids else {}
        found = [rows[pk] for pk in ids if pk in rows]
    else:
        condition = Q()
        for term in terms:
            # Whole words, like PostgreSQL: "to" must not match "tong".
            condition &= Q(search_text__regex=rf"(^|[^a-z0-9]){term}([^a-z0-9]|$)")
        published = Article.objects.published(commune)
        candidates = list(published.for_listing().filter(condition).order_by(*LIST_ORDER)[: SEARCH_CANDIDATES + 1])
        total = len(candidates)
        found = search_rank_in_python(candidates[:SEARCH_CANDIDATES], terms)[offset : offset + per_page]
    if not found and number > 1:
        raise EmptyPage("Không có trang này.")
    capped = total > SEARCH_CANDIDATES
    seen = min(total, SEARCH_CANDIDATES) - offset
    return ListPage(found, number=number, per_page=per_page, seen=max(seen, 0), more=False, count_capped=capped)


def search_sql_postgresql(terms, *, commune_id, now, offset, limit):
    """(sql, params) of the one query that gives the page's ids, best first, each with the number
    of candidates (up to SEARCH_CANDIDATES + 1).

    The newest SEARCH_CANDIDATES + 1 matches are found one of two ways, whichever is bounded:

    * probe: walk the commune's newest SEARCH_RECENT_WINDOW articles down the date index
      (article_public_list), checking each vector, and stop at SEARCH_CANDIDATES + 1 matches.
      A common query ("mat tran") stops after about 500 rows. When the commune has
      fewer articles than the window, the probe has seen them all and is the answer.
    * otherwise the words are rare among recent articles, so their matches are few: the
      commune-scoped GIN index (article_search_commune) gives exactly this commune's matches.
      The planner alone picks badly here, since it underestimates syllables that occur
      together; this branch runs only when the probe said so (a one-time filter: PostgreSQL
      skips the branch that is not needed).

    The probe is skipped altogether when ANALYZE's statistics of the search vector
    (``pg_stats.most_common_elems``: the commonest words, up to 1,000, with the share of
    articles that hold each) say that one of the words is in fewer than 1 article in 8
    (SEARCH_CANDIDATES / SEARCH_RECENT_WINDOW): then the window would not, on average, hold
    SEARCH_CANDIDATES matches, and walking it (each vector is about 3 kB, stored out of line)
    would only delay the index. A word missing from the list is rarer than the list's rarest.
    Without statistics (a table never analyzed) the probe decides, as above. Both ways give the
    same answer; only the time differs.

    Only the candidates are ranked (ts_rank reads their vectors); the one candidate past
    SEARCH_CANDIDATES is never ranked, it only says that there are more.

    Measured on 1M articles, 100k of them in one commune (this query, warm, JIT off): a word in
    one article 2.5 ms (45 ms when it walked the window first), "mat tran" 9 ms, words in 1 of 8
    articles, the worst case, 35-55 ms. The planner alone, with a plain GIN index, took 1-4 s on
    some mixed queries.
    """
    tsquery = " & ".join(terms)  # terms are [a-z0-9]+ only, so this is a valid raw tsquery
    table = connection.ops.quote_name(Article._meta.db_table)
    published = Article.objects.published(commune_id, now=now)
    document = RawSQL(f"{table}.search_vector", ())
    ordered = published.order_by(*LIST_ORDER)
    recent_sql, recent_params = (
        ordered.annotate(document=document).values_list("pk", "published_at", "document")[:SEARCH_RECENT_WINDOW]
        .query.sql_with_params()
    )
    walked_sql, walked_params = ordered.values_list("pk")[:SEARCH_RECENT_WINDOW].query.sql_with_params()
    scoped = RawSQL(
        SEARCH_SCOPED_DOCUMENT.format(table=table) + " @@ (to_tsquery('simple', %s) && %s::tsquery)",
        (tsquery, f"'_c{int(commune_id)}'"), output_field=BooleanField(),
    )
    # ``published`` but for its commune condition: the index's '_cN' word is that condition, and a
    # commune_id = N the planner could see would also read the commune's whole btree index (100,000
    # entries in the big commune: 5 ms) to AND it with the few matches. commune_id + 0 checks it again.
    anywhere = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=now)
    same_commune = RawSQL(f"{table}.commune_id + 0 = %s", (int(commune_id),), output_field=BooleanField())
    scoped_sql, scoped_params = (
        anywhere.filter(scoped).filter(same_commune).annotate(document=document).order_by()
        .values_list("pk", "published_at", "document").query.sql_with_params()
    )
    cap, window = SEARCH_CANDIDATES, SEARCH_RECENT_WINDOW
    sql = f"""
        WITH rare AS ({SEARCH_RARE_SQL}),
        probe AS (
            SELECT w.id, w.published_at, w.document FROM ({recent_sql}) AS w (id, published_at, document)
            WHERE NOT (SELECT yes FROM rare) AND w.document @@ to_tsquery('simple', %s)
            ORDER BY w.published_at DESC, w.id DESC LIMIT {cap + 1}
        ),
        walked AS (SELECT count(*) AS n FROM ({walked_sql}) AS x),
        candidate AS (
            SELECT * FROM probe
            WHERE NOT (SELECT yes FROM rare)
              AND ((SELECT count(*) FROM probe) > {cap} OR (SELECT n FROM walked) < {window})
            UNION ALL
            SELECT * FROM (
                -- OFFSET 0 keeps the planner from walking the date index here: all the (few)
                -- matches of this commune come from the GIN index, then the newest are kept.
                SELECT * FROM ({scoped_sql} OFFSET 0) AS s (id, published_at, document)
                WHERE (SELECT yes FROM rare)
                   OR ((SELECT count(*) FROM probe) <= {cap} AND (SELECT n FROM walked) >= {window})
                ORDER BY s.published_at DESC, s.id DESC LIMIT {cap + 1}
            ) AS f
        )
        SELECT r.id, r.total FROM (
            SELECT c.*, count(*) OVER () AS total,
                   row_number() OVER (ORDER BY c.published_at DESC, c.id DESC) AS n
            FROM candidate AS c
        ) AS r
        WHERE r.n <= {cap}
        ORDER BY ts_rank(r.document, to_tsquery('simple', %s)) DESC, r.published_at DESC, r.id DESC
        LIMIT %s OFFSET %s
    """
    params = (*search_rare_params(terms), *recent_params, tsquery, *walked_params, *scoped_params,
              tsquery, limit, offset)
    return sql, params


def _search_postgresql(terms, *, commune_id, now, offset, limit):
    """Run ``search_sql_postgresql``: ([ids of the page, best first], candidates up to SEARCH_CANDIDATES + 1)."""
    sql, params = search_sql_postgresql(terms, commune_id=commune_id, now=now, offset=offset, limit=limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


# One row, "yes": true when ANALYZE's statistics of news_article.search_vector put one of the words
# below the share of articles that could fill the probe (SEARCH_CANDIDATES of SEARCH_RECENT_WINDOW,
# 1 in 8); false without statistics. pg_stats lists the commonest words (most_common_elems) with their
# shares (most_common_elem_freqs, followed by the smallest share listed, the largest and the share of
# empty vectors); a word not listed is rarer than any listed, and counts as the smallest.
SEARCH_RARE_SQL = """
    SELECT coalesce(bool_or(coalesce(s.freqs[array_position(s.elems, t.term)],
                                     s.freqs[cardinality(s.elems) + 1]) < %s), false) AS yes
    FROM (
        SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
        FROM pg_stats
        WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_vector'
        LIMIT 1
    ) AS s CROSS JOIN unnest(%s::text[]) AS t (term)
"""


def search_rare_params(terms):
    return (SEARCH_CANDIDATES / SEARCH_RECENT_WINDOW, Article._meta.db_table, list(terms))


def search_rank_in_python(articles, terms):
    """SQLite ranking: title hits weigh 3, sapo 2; stable for equal ranks (newest first)."""
    def score(article):
        title = fold_vietnamese(article.title)
        sapo = fold_vietnamese(article.sapo)
        return sum(3 * title.count(t) + 2 * sapo.count(t) for t in terms)

    return sorted(articles, key=score, reverse=True)


def highlight(text, terms, *, max_length=None):
    """Escape ``text`` and wrap the words that match a search term in <mark>, diacritics kept."""
    text = unicodedata.normalize("NFC", text or "")
    if max_length and len(text) > max_length:
        text = _excerpt_around(text, terms, max_length)
    if not terms:
        return escape(text)
    wanted = set(terms)
    out = []
    for token in re.split(r"(\w+)", text):
        parts = re.findall(r"[a-z0-9]+", fold_vietnamese(token)) if token and re.match(r"\w", token) else []
        if any(part in wanted for part in parts):
            out.append(f"<mark>{escape(token)}</mark>")
        else:
            out.append(escape(token))
    return mark_safe("".join(out))


def _excerpt_around(text, terms, max_length):
    folded = fold_vietnamese(text)
    positions = [folded.find(t) for t in terms if folded.find(t) >= 0]
    start = max(0, min(positions) - max_length // 3) if positions else 0
    excerpt = text[start : start + max_length]
    return ("… " if start else "") + excerpt + (" …" if start + max_length < len(text) else "")
