"""Reads for the public pages. Each runs a fixed number of queries whatever the data size."""
from datetime import timedelta
import re
import unicodedata

from django.db import connection
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from mttq_portal.vietnamese import VN_TZ, fold_vietnamese

from .models import Article, ArticleDailyView, Category, Comment

LATEST_PER_CATEGORY = 4
MOST_READ_DAYS = 30


def nav_categories(commune):
    """Top-level categories shown in the navigation, children prefetched (2 queries)."""
    return list(
        Category.objects.filter(commune=commune, parent__isnull=True, show_in_nav=True)
        .prefetch_related("children")
    )


def article_featured(commune):
    return Article.objects.published(commune).for_listing().filter(is_featured=True).first() or (
        Article.objects.published(commune).for_listing().first()
    )


def articles_latest_by_category(commune, *, per_category=LATEST_PER_CATEGORY, exclude_id=None):
    """[(category, [articles])] for the home page, in one query for the articles.

    Articles of a child category are shown under its top-level category.
    """
    categories = list(
        Category.objects.filter(commune=commune, parent__isnull=True, show_on_home=True).order_by("position", "name")
    )
    top = Coalesce(F("category__parent_id"), F("category_id"))
    ranked = (
        Article.objects.published(commune)
        .for_listing()
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
    """A category's published articles, its children's included."""
    return (
        Article.objects.published(commune)
        .for_listing()
        .filter(Q(category=category) | Q(category__parent=category))
        .order_by("-published_at", "-id")
    )


def article_for_reader(commune, slug):
    return (
        Article.objects.published(commune)
        .select_related("category", "category__parent", "related_report")
        .prefetch_related("tags", "gallery")
        .filter(slug=slug)
        .first()
    )


def article_related(article, *, limit=4):
    return list(
        Article.objects.published(article.commune_id)
        .for_listing()
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .order_by("-published_at", "-id")[:limit]
    )


def comments_approved(article):
    return list(Comment.objects.approved().filter(article=article).only("id", "name", "body", "created_at"))


# -- search -------------------------------------------------------------------------------------

SEARCH_MAX_TERMS = 8


def search_terms(query):
    """Folded words of a query: "Mặt trận TỔ QUỐC" -> ["mat", "tran", "to", "quoc"]."""
    return re.findall(r"[a-z0-9]+", fold_vietnamese(query or ""))[:SEARCH_MAX_TERMS]


def article_search(commune, query):
    """Published articles of this commune matching every word of the query, best first.

    PostgreSQL: full-text search over unaccented title (weight A), sapo (B) and body (C),
    ranked by ts_rank. SQLite: the same words matched in the stored folded text, ranked by
    where they occur. Both ignore case and diacritics.
    """
    terms = search_terms(query)
    if not terms:
        return Article.objects.none()
    base = Article.objects.published(commune).for_listing()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
        from django.db.models import Func

        def unaccent(field):
            output = Article._meta.get_field(field)
            return Func(Func(F(field), function="lower"), function="public.unaccent", output_field=output)

        vector = (
            SearchVector(unaccent("title"), config="simple", weight="A")
            + SearchVector(unaccent("sapo"), config="simple", weight="B")
            + SearchVector(unaccent("body_text"), config="simple", weight="C")
        )
        search_query = SearchQuery(" & ".join(terms), config="simple", search_type="raw")
        # Filter on the match itself: ts_rank is never exactly 0, so "rank > 0" would keep everything.
        return (
            base.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query)
            .order_by("-rank", "-published_at", "-id")
        )
    condition = Q()
    for term in terms:
        # Whole words, like PostgreSQL: "to" must not match "tong".
        condition &= Q(search_text__regex=rf"(^|[^a-z0-9]){term}([^a-z0-9]|$)")
    return base.filter(condition).order_by("-published_at", "-id")


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
