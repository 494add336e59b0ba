"""The comment form on its own: as a fragment for the article page (fetched by
static/js/fragments.js, so the cached page holds no reader's CSRF token or captcha) and as a
page of its own for readers without JavaScript. Posting works from both."""
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .forms import CONSENT_TEXT, CommentForm
from .views import _comment_post


def comment_form(request, slug):
    item = selectors.article_for_reader(request.commune, slug)
    if item is None:
        raise Http404("Không có bài viết này.")
    form = CommentForm()
    if request.method == "POST":
        form, response = _comment_post(request, item)
        if response is not None:
            return response
    elif request.method not in ("GET", "HEAD"):
        from django.http import HttpResponseNotAllowed

        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    fragment = request.method == "GET" and request.GET.get("khung") == "1" and not form.is_bound
    template = "news/partials/comment_form.html" if fragment else "news/comment_form.html"
    context = {"article": item, "form": form, "consent_text": CONSENT_TEXT, "action": request.path}
    response = render(request, template, context, status=400 if form.errors else 200)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
