"""Public news pages. Views stay thin: reads in selectors.py, writes in services.py."""
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from communes.selectors import user_commune_ids
from mttq_portal.client_ip import client_ip
from mttq_portal.commune_parts import part
from reports.selectors import report_latest

from . import selectors, services
from .forms import CONSENT_TEXT, CommentForm
from .models import Article, Tag


def address_hash(request):
    """The reader's address, hashed with the secret key: enough to rate-limit, nothing to show."""
    return hashlib.sha256((settings.SECRET_KEY + client_ip(request)).encode()).hexdigest()


def _page_number(request):
    """``?trang=N`` as a positive integer (1 when absent); anything else is a page that does not exist."""
    value = request.GET.get("trang") or "1"
    if not value.isascii() or not value.isdigit() or int(value) < 1 or len(value) > 7:
        raise Http404("Không có trang này.")
    return int(value)


def _listing(read, *args, request):
    """Run a selector that returns one page; past the end is a 404."""
    try:
        return read(*args, number=_page_number(request))
    except EmptyPage as error:
        raise Http404("Không có trang này.") from error


@require_safe
def home(request):
    commune = request.commune
    featured = selectors.article_featured(commune)
    context = {
        "is_home": True,
        "featured": featured,
        "sections": selectors.articles_latest_by_category(
            commune, exclude_id=featured.pk if featured else None, categories=part(request, "categories")
        ),
        "most_read": selectors.articles_most_read(commune),
        "latest_report": report_latest(commune),
    }
    return render(request, "news/home.html", context)


@require_safe
def category(request, slug):
    cat = selectors.category_by_slug(part(request, "categories"), slug)
    if cat is None:
        raise Http404("Không có chuyên mục này.")
    page = _listing(selectors.category_page, request.commune, cat, request=request)
    return render(request, "news/category.html", {"category": cat, "page": page})


@require_safe
def tag(request, slug):
    the_tag = get_object_or_404(Tag, commune=request.commune, slug=slug)
    page = _listing(selectors.tag_page, request.commune, the_tag, request=request)
    return render(request, "news/tag.html", {"tag": the_tag, "page": page})


def article(request, slug):
    item = selectors.article_for_reader(request.commune, slug, categories=part(request, "categories"))
    if item is None:
        raise Http404("Không có bài viết này.")
    form = CommentForm()
    if request.method == "POST":
        form, response = _comment_post(request, item)
        if response is not None:
            return response
    elif request.method != "GET" and request.method != "HEAD":
        return HttpResponse(status=405)
    comments = selectors.comments_approved(item)
    context = {
        "article": item,
        "related": selectors.article_related(item),
        "comments": comments,
        "form": form,
        "consent_text": CONSENT_TEXT,
    }
    return render(request, "news/article.html", context, status=400 if form.errors else 200)


def _comment_post(request, item):
    """Returns (form, response): a redirect when stored, or the bound form with its errors."""
    form = CommentForm(request.POST)
    limited = is_ratelimited(
        request, group="news.comment", key=lambda g, r: address_hash(r), rate=settings.COMMENT_RATE,
        method="POST", increment=True,
    )
    if limited:
        form.is_valid()
        form.add_error(None, "Bạn đã gửi nhiều ý kiến trong thời gian ngắn. Vui lòng đợi ít phút rồi gửi lại; "
                             "nội dung bạn viết vẫn còn trong ô bên dưới.")
        return form, None
    if not form.is_valid():
        return form, None
    result = services.comment_create(
        article=item, name=form.cleaned_data["name"], email=form.cleaned_data["email"],
        body=form.cleaned_data["body"], consent_text=CONSENT_TEXT, address_hash=address_hash(request),
        submission_id=form.cleaned_data["submission_id"],
    )
    messages.success(
        request,
        "Cảm ơn bạn đã gửi ý kiến. Ý kiến sẽ hiển thị sau khi Ban Biên tập duyệt."
        if result.created else "Ý kiến này đã được gửi trước đó; bạn không cần gửi lại.",
    )
    return form, redirect(item.get_absolute_url() + "#y-kien")


@require_safe
def article_print(request, slug):
    item = selectors.article_for_reader(request.commune, slug)
    if item is None:
        raise Http404("Không có bài viết này.")
    return render(request, "news/article_print.html", {"article": item})


@require_safe
def article_preview(request, pk):
    """A draft as it will look, for this commune's staff only (404 for anyone else)."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        raise Http404("Không có bài viết này.")
    item = get_object_or_404(
        Article.objects.select_related("category").prefetch_related("tags", "gallery"),
        pk=pk, commune=request.commune,
    )
    if not user.is_superuser and item.commune_id not in user_commune_ids(user):
        raise Http404("Không có bài viết này.")
    context = {"article": item, "related": [], "comments": [], "form": None, "is_preview": True}
    response = render(request, "news/article.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def search(request):
    query = (request.GET.get("q") or "").strip()[:200]
    terms = selectors.search_terms(query)
    page = None
    if terms:
        page = _listing(selectors.article_search_page, request.commune, query, request=request)
        for item in page.object_list:
            item.title_marked = selectors.highlight(item.title, terms)
            item.sapo_marked = selectors.highlight(item.sapo, terms, max_length=300)
    return render(request, "news/search.html", {"query": query, "page": page, "terms": terms})


@require_safe
def robots_txt(request):
    host = request.get_host()
    scheme = "https" if request.is_secure() else "http"
    lines = [
        "User-agent: *",
        "Disallow: /quan-tri/",
        "Disallow: /xem-truoc/",
        "Disallow: /tim-kiem/",
        "Allow: /",
        f"Sitemap: {scheme}://{host}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
