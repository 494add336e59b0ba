"""RSS feeds: the whole commune, and one per category.

Django builds one Feed instance per URL pattern and shares it between requests (and threads),
so no request state is kept on ``self``: ``get_object`` returns what the feed is about and
every method takes it as ``obj``.
"""
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed

from communes.models import Commune

from .models import Article, Category

FEED_SIZE = 20


@dataclass(frozen=True)
class _CommuneFeed:
    commune: Commune


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        return _CommuneFeed(request.commune)

    def title(self, obj):
        return obj.commune.title_line

    def link(self, obj):
        return "/"

    def description(self, obj):
        return f"Tin mới của Ủy ban MTTQ {obj.commune.name}"

    def items(self, obj):
        return Article.objects.published(obj.commune).for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.sapo

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.category.name]


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category.objects.select_related("commune"), commune=request.commune, slug=slug)

    def title(self, obj):
        return f"{obj.name} — {obj.commune.title_line}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"Tin mới chuyên mục {obj.name}"

    def items(self, obj):
        return (
            Article.objects.published(obj.commune).for_listing()
            .filter(Q(category=obj) | Q(category__parent=obj))[:FEED_SIZE]
        )
