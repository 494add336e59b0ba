"""Public poll pages and the vote. Views stay thin: the rules are in services.poll_vote.

The vote is a plain POST form (works without JavaScript, CSRF protected). It answers with a
303 back to the page the citizen came from, where the box now shows the results; a refused
vote gets a page that says why, in Vietnamese, with nothing counted.
"""
import re
import uuid

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from stats.bots import is_bot

from . import selectors, services
from .models import Poll
from .voter import voter_address_hash, voter_cookie_set, voter_token_read

PAGE_SIZE = 20
RESULTS_ANCHOR = "tham-do"
ANCHOR_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _vote_rate():
    return getattr(settings, "POLL_VOTE_RATE", "10/h")


@require_safe
def poll_list(request):
    paginator = Paginator(selectors.polls_for_list(request.commune), PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("trang") or 1)
    except (PageNotAnInteger, EmptyPage) as error:
        raise Http404("Không có trang này.") from error
    rows = [(poll, selectors.poll_results(poll)) for poll in page.object_list]
    return render(request, "polls/list.html", {"page": page, "rows": rows})


@require_safe
def poll_detail(request, pk):
    poll = selectors.poll_for_reader(request.commune, pk)
    if poll is None:
        raise Http404("Không có cuộc thăm dò này.")
    token = voter_token_read(request)
    chosen = request.GET.get("option", "")
    context = {
        "poll": poll,
        "results": selectors.poll_results(poll),
        "has_voted": poll.is_open and selectors.poll_has_vote(poll, token),
        # From the shared box without JavaScript: the choice made there, to confirm here.
        "chosen": int(chosen) if chosen.isascii() and chosen.isdigit() and len(chosen) < 19 else None,
    }
    return render(request, "polls/detail.html", context)


@require_safe
def poll_box(request):
    """The reader's own sidebar box, fetched by static/js/fragments.js from every page.

    ``next`` is the page the box sits on (a path on this site), where the vote returns to.
    Never cached by anyone: it holds this reader's CSRF token and voting state.
    """
    next_path = request.GET.get("next") or "/"
    if not next_path.startswith("/") or next_path.startswith("//") or not url_has_allowed_host_and_scheme(
        next_path, allowed_hosts={request.get_host()}
    ):
        next_path = "/"
    poll = selectors.poll_for_box(request.commune)
    context = {"poll": None, "next_path": next_path}
    if poll is not None and next_path.rstrip("/") != poll.get_absolute_url().rstrip("/"):
        has_voted = selectors.poll_has_vote(poll, voter_token_read(request))
        context.update(poll=poll, has_voted=has_voted, results=selectors.poll_results(poll) if has_voted else None)
    response = render(request, "polls/_box_live.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _safe_next(request):
    """The page to go back to, as (path, anchor): only on this host (no open redirect), and an
    anchor only if it is a plain element id. (None, default anchor) when unusable."""
    target, _, anchor = (request.POST.get("next") or "").partition("#")
    anchor = anchor if ANCHOR_RE.match(anchor) else RESULTS_ANCHOR
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target, anchor
    return None, anchor


def _refused(request, poll_pk, message, status, next_url):
    poll = selectors.poll_for_reader(request.commune, poll_pk) if status != 404 else None
    context = {"message": message, "poll": poll, "next_url": next_url}
    return render(request, "polls/refused.html", context, status=status)


@require_POST
def poll_vote(request, pk):
    next_url, anchor = _safe_next(request)
    if is_bot(request):
        return _refused(request, pk, "Không ghi nhận biểu quyết từ chương trình tự động.", 403, next_url)
    limited = is_ratelimited(
        request, group="polls.vote", key=lambda group, req: voter_address_hash(req), rate=_vote_rate(),
        method="POST", increment=True,
    )
    if limited:
        return _refused(
            request, pk,
            "Từ địa chỉ mạng của bạn đã có nhiều lượt biểu quyết trong thời gian ngắn. "
            "Vui lòng thử lại sau ít phút.",
            429, next_url,
        )
    token = voter_token_read(request) or uuid.uuid4()
    try:
        services.poll_vote(
            commune=request.commune, poll_id=pk, option_id=request.POST.get("option"), voter_token=token,
            address_hash=voter_address_hash(request),
        )
    except services.VoteRefused as refusal:
        return _refused(request, pk, refusal.message, refusal.status, next_url)
    if next_url is None:
        next_url, anchor = Poll(pk=pk).get_absolute_url(), "ket-qua"
    response = HttpResponseRedirect(f"{next_url}#{anchor}", status=303)
    voter_cookie_set(response, request, token)
    return response
