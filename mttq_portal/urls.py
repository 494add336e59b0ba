from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path

from news import sitemaps as news_sitemaps
from news import views as news_views
from news.admin_views import body_image_upload


def healthz(request):
    """For load balancers: answers on any host, touches nothing."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the versioned SVG."""
    return HttpResponsePermanentRedirect(static_url("img/favicon.svg"))


def sitemap(request):
    """Sitemaps need the request to know the commune; Django's view passes none, so bind it."""
    maps = {"articles": news_sitemaps.ArticleSitemap(), "categories": news_sitemaps.CategorySitemap()}
    for item in maps.values():
        item.request = request
    return sitemap_views.sitemap(request, sitemaps=maps)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", news_views.robots_txt, name="robots"),
    path("favicon.ico", favicon),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("quan-tri/tai-anh/", body_image_upload, name="body_image_upload"),
    path("quan-tri/", admin.site.urls),
    path("captcha/", include("captcha.urls")),
    path("bao-cao/", include("reports.urls")),
    path("thong-ke/", include("stats.urls")),
    path("thu-tuc-hanh-chinh/", include("tthc.urls")),
    path("tham-do/", include("polls.urls")),
    path("", include("news.urls")),
]

if settings.BENCH_VIEWS:  # bench/pages.py only: the yardstick every page is compared with
    from mttq_portal.bench import bytes_view

    urlpatterns.insert(-1, path("__bench__/bytes/<int:n>/", bytes_view, name="bench_bytes"))

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploaded files from Django itself: `make run` and development only; in production the
    # reverse proxy (or object storage) serves MEDIA_ROOT.
    from django.urls import re_path
    from django.views.static import serve

    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "mttq_portal.views.page_not_found"
handler500 = "mttq_portal.views.server_error"
handler403 = "mttq_portal.views.permission_denied"
