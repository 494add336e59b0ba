"""The counter beacon: pages stay cacheable because counting happens in this small request."""
import hashlib
import logging
import re
import secrets

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mttq_portal.client_ip import client_ip
from mttq_portal.vietnamese import VN_TZ

from .bots import is_bot
from .counters import DatabaseCounter, counter_values_cached, visit_counter

log = logging.getLogger(__name__)
COOKIE = "mttq_vid"
VISITOR_RE = re.compile(r"^[0-9a-f]{32}$")
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def visitor_id(request):
    """The visitor's cookie, or for a browser that refuses cookies a daily hash of its address
    and user agent (so it is not counted as a new visitor on every page)."""
    cookie = request.COOKIES.get(COOKIE, "")
    if VISITOR_RE.match(cookie):
        return cookie, False
    if request.COOKIES:  # cookies work here: give this browser its own id
        return secrets.token_hex(16), True
    seed = f"{settings.SECRET_KEY}|{client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}|" \
           f"{timezone.now().astimezone(VN_TZ).date()}"
    return "a" + hashlib.sha256(seed.encode()).hexdigest()[:31], True


@csrf_exempt
@require_http_methods(["GET", "POST"])
def beacon(request):
    """POST from static/js/beacon.js or GET of a 1×1 GIF (<noscript>).

    With ``box=1`` the POST answers with the numbers of the counter box (JSON, at most 5 s old),
    so a page served from the page cache still shows current figures.
    """
    if request.method == "GET":
        response = HttpResponse(GIF, content_type="image/gif")
    elif request.POST.get("box") == "1" and request.commune is not None:
        values = counter_values_cached(request.commune)
        response = JsonResponse({key: values[key] for key, _label in request.commune.counter_rows})
    else:
        response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    commune = request.commune
    if commune is None or is_bot(request):
        return response
    visitor, is_new = visitor_id(request)
    counter = visit_counter()
    try:
        counter.hit(commune_id=commune.pk, visitor=visitor)
    except Exception:  # Redis unreachable: count in the database rather than lose the visit
        log.exception("Redis counter failed; counting in the database")
        DatabaseCounter().hit(commune_id=commune.pk, visitor=visitor)
    try:
        counter.maybe_flush()  # apart from the count, so a failed copy never counts a visit twice
    except Exception:
        log.exception("Copying visit counters to the database failed; the next flush retries")
    article_id = (request.POST.get("a") or request.GET.get("a") or "").strip()
    if re.fullmatch(r"[0-9]{1,18}", article_id):  # ASCII digits only: "²".isdigit() is True too
        from news.models import Article
        from news.services import article_view_record

        if Article.objects.published(commune).filter(pk=int(article_id)).exists():
            article_view_record(article_id=int(article_id), day=timezone.now().astimezone(VN_TZ).date())
    if is_new and not visitor.startswith("a"):
        response.set_cookie(COOKIE, visitor, max_age=2 * 365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=request.is_secure())
    return response
