"""Whole-page cache for anonymous readers, per site, in the shared cache (Redis when configured).

A page read from here touches no database: the middleware sits right after the commune lookup
(itself cached) and answers before sessions, CSRF or authentication run.

Keys. Every entry is keyed by the commune, the scheme, the host and the path with its page
number, so one commune's page can never be served on another's host. Entries carry the
*generation* of their commune that was current when rendering began; any change to what the
commune's pages show (article published, withdrawn or edited, comment approved or removed,
report, TTHC data, poll, category, profile...) replaces the generation, which makes every page
of that commune stale at once, and of no other commune. Reading the generation before the
view's own reads means a page rendered from data that a concurrent save is replacing is
tagged with the old generation, so it is never served after that save commits.

Time. Pages that change by the clock alone (a scheduled article reaching its time, a poll
opening or closing) are kept only until that moment: apps register ``next_change`` functions.

Who bypasses it. Anyone with a session cookie (staff, editors, anyone signed in) or a pending
message; POST and other methods; the admin, previews, search, fragments and any response
that sets a cookie, is marked private or is not a 200. Tracking parameters added by Facebook
and Zalo (fbclid, zarsrc, utm_*) are ignored; any other unknown query parameter bypasses the
cache rather than filling it.

HTTP. Cached pages are kept both plain and gzip-compressed (compressed once, when stored; they
hold no secret, so compression is safe from BREACH) and served compressed to browsers that
accept it, with ``Vary: Accept-Encoding``. They carry an ETag and Last-Modified and answer
conditional requests with 304;
``Cache-Control: public, max-age=0, s-maxage=N`` lets a reverse proxy keep them N seconds
(browsers revalidate), while everything else is ``private``.
"""
import gzip
import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

log = logging.getLogger(__name__)

GENERATION_PREFIX = "pc:gen:"
PAGE_PREFIX = "pc:page:v2:"
HEADER = "X-Page-Cache"
# Query parameters a page may depend on; anything else is rendered fresh and never stored.
PAGE_PARAMETERS = frozenset({"trang"})
# Added by social networks and campaigns to shared links; the page does not depend on them.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "zarsrc", "zarsrc_v", "_gl", "mc_cid", "mc_eid", "ref"})
EXCLUDED_PREFIXES = (
    "/quan-tri/", "/xem-truoc/", "/tim-kiem/", "/thong-ke/b", "/captcha/", "/__bench__/", "/media/",
    "/static/",
)
MAX_BYTES = 2 * 1024 * 1024
# Response headers that describe one response to one client, never stored.
UNSTORED_HEADERS = {"set-cookie", "date", "x-page-cache", "x-query-count"}

_next_change_providers = []


def register_next_change(func):
    """``func(commune_id, now) -> datetime | None``: the next moment a commune's pages change by
    the clock alone. The page cache keeps no page past it."""
    _next_change_providers.append(func)
    return func


def _generation_key(commune_id):
    return f"{GENERATION_PREFIX}{commune_id}"


def _new_generation():
    return secrets.token_hex(8)


def commune_changed(commune_id):
    """Make every cached page of this commune stale: now, and again when the transaction commits.

    Now, so that a reader never gets the old page once this change is visible; on commit, so
    that a page rendered from the old data during the transaction is not kept either.
    """
    if commune_id is None:
        return
    _bump(commune_id)
    transaction.on_commit(lambda: _bump(commune_id))


def _bump(commune_id):
    try:
        cache.set(_generation_key(commune_id), _new_generation(), None)
    except Exception:  # the cache is down: pages are not served from it either
        log.exception("Could not invalidate the page cache of commune %s", commune_id)


def _query_key(request):
    """The query string as far as the page depends on it, or None when it must not be cached."""
    kept = []
    for name, values in request.GET.lists():
        if name in TRACKING_PARAMETERS or name.startswith("utm_"):
            continue
        if name not in PAGE_PARAMETERS or len(values) != 1 or len(values[0]) > 10:
            return None
        kept.append(f"{name}={values[0]}")
    return "&".join(sorted(kept))


def request_cacheable(request):
    if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "commune", None) is None:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not request.path.startswith(EXCLUDED_PREFIXES)


def _page_key(request, query):
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return f"{PAGE_PREFIX}{request.commune.pk}:{digest}"


def _response_storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds this visitor's CSRF token
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    return len(response.content) <= MAX_BYTES


def _public_headers(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip() and v.strip().lower() != "cookie"]
    if "accept-encoding" not in (v.lower() for v in vary):
        vary.append("Accept-Encoding")
    response["Vary"] = ", ".join(vary)
    response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PAGE_PROXY_SECONDS}"


def _time_to_live(commune_id, generation):
    """Seconds a page may stay: PAGE_CACHE_SECONDS, or less if the clock changes it sooner.

    The next such moment is worked out once per generation (a save that schedules something
    new replaces the generation) and again only once it has passed, so most misses run no
    extra query.
    """
    from django.utils import timezone

    now = timezone.now()
    key = f"{GENERATION_PREFIX}next:{commune_id}"
    known = cache.get(key)
    if known is not None and known[0] == generation and (known[1] is None or known[1] > now):
        moment = known[1]
    else:
        moments = [m for m in (provider(commune_id, now) for provider in _next_change_providers) if m is not None]
        moment = min(moments) if moments else None
        cache.set(key, (generation, moment), settings.PAGE_CACHE_SECONDS)
    seconds = settings.PAGE_CACHE_SECONDS
    if moment is not None:
        seconds = min(seconds, max(1, int((moment - now).total_seconds()) + 1))
    return seconds


def _accepts_gzip(request):
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "").lower()
    for part in accepted.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_cacheable(request):
            return self._bypass(request)
        query = _query_key(request)
        if query is None:
            return self._bypass(request)
        commune_id = request.commune.pk
        generation_key, page_key = _generation_key(commune_id), _page_key(request, query)
        try:
            found = cache.get_many([generation_key, page_key])
        except Exception:
            log.exception("Page cache unreachable; rendering without it")
            return self._bypass(request)
        generation = found.get(generation_key)
        if generation is None:
            generation = _new_generation()
            if not cache.add(generation_key, generation, None):
                generation = cache.get(generation_key) or generation
        entry = found.get(page_key)
        if entry is not None and entry[0] == generation:
            return self._from_entry(request, entry)

        response = self.get_response(request)
        if not _response_storable(request, response):
            response[HEADER] = "BYPASS"
            return response
        content = response.content
        etag = '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'
        last_modified = int(time.time())
        _public_headers(response, etag, last_modified)
        headers = [(k, v) for k, v in response.items()
                   if k.lower() not in UNSTORED_HEADERS and k.lower() != "content-length"]
        compressed = gzip.compress(content, compresslevel=6, mtime=0)
        entry = (generation, response.status_code, headers, content, compressed, etag, last_modified)
        try:
            cache.set(page_key, entry, _time_to_live(commune_id, generation))
        except Exception:
            log.exception("Could not store a page in the page cache")
        return self._from_entry(request, entry, state="MISS")

    def _from_entry(self, request, entry, state="HIT"):
        _generation, status, headers, content, compressed, etag, last_modified = entry
        if _accepts_gzip(request):
            content = compressed
            etag = etag[:-1] + '-gz"'  # a different representation, a different validator
        response = HttpResponse(content if request.method == "GET" else b"", status=status)
        for name, value in headers:
            response[name] = value
        if content is compressed:
            response["Content-Encoding"] = "gzip"
            response["ETag"] = etag
        response["Content-Length"] = str(len(content))
        response[HEADER] = state
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)

    def _bypass(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            # Signed-in pages, forms with a CSRF token, search...: never kept by a shared proxy.
            patch_cache_control(response, private=True, no_cache=True)
        return response

