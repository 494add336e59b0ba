"""RSS feeds: the whole commune, and one per category."""
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed

from .models import Article, Category

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        self.commune = request.commune
        return None

    def title(self):
        return self.commune.title_line

    def link(self):
        return "/"

    def description(self):
        return f"Tin mới của Ủy ban MTTQ {self.commune.name}"

    def items(self):
        return Article.objects.published(self.commune).for_listing()[:FEED_SIZE]

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
        self.commune = request.commune
        return get_object_or_404(Category, commune=request.commune, slug=slug)

    def title(self, obj):
        return f"{obj.name} — {self.commune.title_line}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"Tin mới chuyên mục {obj.name}"

    def items(self, obj):
        from django.db.models import Q

        return (
            Article.objects.published(self.commune).for_listing()
            .filter(Q(category=obj) | Q(category__parent=obj))[:FEED_SIZE]
        )
