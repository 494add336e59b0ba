"""sitemap.xml per commune: the host decides which commune's pages are listed."""
from django.contrib.sitemaps import Sitemap

from .models import Article, Category


class CommuneSitemap(Sitemap):
    def get_urls(self, page=1, site=None, protocol=None):
        self.commune = self.request.commune
        return super().get_urls(page=page, site=site, protocol=protocol)


class ArticleSitemap(CommuneSitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Article.objects.published(self.commune).only("slug", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(CommuneSitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.filter(commune=self.commune).only("slug")
