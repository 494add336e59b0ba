"""What a citizen does with the poll: votes from the box on any page, sees counts and
percentages, cannot vote twice, and is told in Vietnamese why a vote was not counted."""
from datetime import timedelta
import html
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
import pytest

from polls.models import Poll, PollOption, PollVote
from polls.voter import VOTER_COOKIE
from tests.factories import ArticleFactory
from tests.polls.conftest import BROWSER_UA, GOOGLEBOT_UA, HOST_A, poll_make

pytestmark = pytest.mark.django_db


def text(response):
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    body = response.content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def box(response):
    """The poll box of a page as the reader's browser shows it ("" when the page has none): the
    page holds the same box for everyone, which static/js/fragments.js replaces with the
    reader's own from polls:box (fetched here with the same client, so the same cookies)."""
    body = response.content.decode()
    shared = re.search(r'<section class="box poll"[^>]*data-fragment="([^"]+)"', body)
    if shared:
        live = response.client.get(html.unescape(shared.group(1)))
        assert live.status_code == 200 and live["Cache-Control"] == "private, no-store"
        body = live.content.decode()
    match = re.search(r'<section class="box poll".*?</section>', body, re.S)
    return match.group(0) if match else ""


def vote(client, poll, option, next_url="/", **extra):
    data = {"next": next_url}
    if option is not None:
        data["option"] = str(option.pk if isinstance(option, PollOption) else option)
    return client.post(f"/tham-do/{poll.pk}/bieu-quyet/", data, **extra)


def counts(poll):
    return list(PollOption.objects.filter(poll=poll).order_by("position").values_list("vote_count", flat=True))


def assert_nothing_counted(poll, before_counts, before_rows):
    assert counts(poll) == before_counts
    assert PollVote.objects.filter(poll=poll).count() == before_rows


# -- voting and results -----------------------------------------------------------------------

def test_citizen_votes_and_sees_counts_and_percentages_on_the_same_page(citizen, commune_a):
    poll = poll_make(commune_a, votes=[2, 1, 0])
    article = ArticleFactory(commune=commune_a)
    third = poll.options.get(position=2)

    response = vote(citizen, poll, third, next_url=article.get_absolute_url() + "#tham-do")

    assert response.status_code == 303
    assert response["Location"] == article.get_absolute_url() + "#tham-do"
    assert counts(poll) == [2, 1, 1]
    assert PollVote.objects.filter(poll=poll).count() == 4
    page = citizen.get(article.get_absolute_url())
    shown = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", box(page))))
    assert "Cảm ơn bạn đã biểu quyết." in shown
    assert "Rất hữu ích 2 (50%)" in shown
    assert "Hữu ích 1 (25%)" in shown and "Bình thường 1 (25%)" in shown
    assert "4 lượt bình chọn" in shown
    assert 'name="option"' not in box(page)  # a citizen who voted sees results, not the form


def test_the_voter_cookie_is_signed_http_only_lax_and_kept_a_year(citizen, commune_a):
    poll = poll_make(commune_a)
    response = vote(citizen, poll, poll.options.first())
    cookie = response.cookies[VOTER_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert not cookie["secure"]
    assert ":" in cookie.value  # value:signature
    secure = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_HOST=HOST_A)
    second = vote(secure, poll, poll.options.first(), secure=True)
    assert second.status_code == 303
    assert second.cookies[VOTER_COOKIE]["secure"] is True


def test_percentages_are_shown_the_vietnamese_way_and_add_up_to_100(citizen, commune_a):
    poll = poll_make(commune_a, options=("Một", "Hai", "Ba"), votes=[1, 1, 0])
    vote(citizen, poll, poll.options.get(position=2))
    shown = text(citizen.get(poll.get_absolute_url()))
    # 1/3 each: 33,4 + 33,3 + 33,3 = 100 (never 99,9).
    assert "Một 1 (33,4%)" in shown and "Hai 1 (33,3%)" in shown and "Ba 1 (33,3%)" in shown
    assert "3 lượt bình chọn" in shown


def test_large_counts_use_vietnamese_thousands_separators(citizen, commune_a):
    poll = poll_make(commune_a, options=("Có", "Không"))
    PollOption.objects.filter(poll=poll, position=0).update(vote_count=1234)
    PollOption.objects.filter(poll=poll, position=1).update(vote_count=766)
    shown = text(citizen.get(poll.get_absolute_url()))
    assert "Có 1.234 (61,7%)" in shown and "Không 766 (38,3%)" in shown
    assert "2.000 lượt bình chọn" in shown


def test_second_vote_from_the_same_cookie_is_refused_and_not_counted(citizen, commune_a):
    poll = poll_make(commune_a)
    first, second = poll.options.all()[:2]
    assert vote(citizen, poll, first).status_code == 303
    response = vote(citizen, poll, second)
    assert response.status_code == 409
    assert "Bạn đã biểu quyết trong cuộc thăm dò này. Mỗi người chỉ biểu quyết một lần." in text(response)
    assert counts(poll) == [1, 0, 0]
    assert PollVote.objects.filter(poll=poll).count() == 1


def test_one_cookie_votes_once_in_each_of_two_polls(citizen, commune_a):
    older = poll_make(commune_a, question="Câu hỏi cũ?", opens_at=timezone.now() - timedelta(days=5))
    newer = poll_make(commune_a, question="Câu hỏi mới?")
    assert vote(citizen, newer, newer.options.first()).status_code == 303
    assert vote(citizen, older, older.options.first(), next_url=older.get_absolute_url()).status_code == 303
    tokens = set(PollVote.objects.values_list("voter_token", flat=True))
    assert len(tokens) == 1


@override_settings(POLL_VOTE_RATE="2/h")
def test_tampered_cookie_is_a_new_visitor_but_the_address_limit_still_applies(citizen, commune_a, frozen_rate_window):
    poll = poll_make(commune_a)
    option = poll.options.first()
    assert vote(citizen, poll, option, REMOTE_ADDR="203.0.113.5").status_code == 303
    signed = citizen.cookies[VOTER_COOKIE].value
    citizen.cookies[VOTER_COOKIE] = "00000000-0000-4000-8000-000000000000" + signed[signed.index(":"):]
    second = vote(citizen, poll, option, REMOTE_ADDR="203.0.113.5")
    assert second.status_code == 303  # the forged cookie failed its signature: a new visitor
    assert PollVote.objects.filter(poll=poll).count() == 2
    citizen.cookies[VOTER_COOKIE] = "rac"
    third = vote(citizen, poll, option, REMOTE_ADDR="203.0.113.5")
    assert third.status_code == 429
    assert "nhiều lượt biểu quyết trong thời gian ngắn" in text(third)
    assert counts(poll) == [2, 0, 0] and PollVote.objects.filter(poll=poll).count() == 2
    # Another address is not held back by this one.
    other = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_HOST=HOST_A)
    assert vote(other, poll, option, REMOTE_ADDR="198.51.100.7").status_code == 303


@override_settings(POLL_VOTE_RATE="1/h", TRUSTED_PROXIES=["127.0.0.1"])
def test_rate_limit_behind_the_reverse_proxy_is_per_reader(commune_a, frozen_rate_window):
    poll = poll_make(commune_a)
    option = poll.options.first()
    for address in ["203.0.113.5", "198.51.100.7"]:
        reader = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_HOST=HOST_A)
        response = vote(reader, poll, option, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)
        assert response.status_code == 303
    assert PollVote.objects.filter(poll=poll).count() == 2


def test_default_rate_is_ten_votes_an_hour_per_address(commune_a, frozen_rate_window):
    polls = [poll_make(commune_a, question=f"Câu hỏi {i}?") for i in range(11)]
    statuses = []
    for poll in polls:  # a fresh visitor each time, one address
        reader = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_HOST=HOST_A)
        statuses.append(vote(reader, poll, poll.options.first(), REMOTE_ADDR="203.0.113.9").status_code)
    assert statuses == [303] * 10 + [429]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "Cuộc thăm dò đã kết thúc lúc"),
        ({"opens_at": timezone.now() + timedelta(days=2), "closes_at": None}, "Cuộc thăm dò chưa mở."),
        ({"is_active": False}, "Cuộc thăm dò này hiện không nhận biểu quyết."),
    ],
    ids=["closed", "not-yet-open", "inactive"],
)
def test_vote_on_a_poll_that_takes_no_votes_is_refused(citizen, commune_a, change, message):
    poll = poll_make(commune_a, votes=[1, 0, 0], opens_at=timezone.now() - timedelta(days=3))
    Poll.objects.filter(pk=poll.pk).update(**change)
    response = vote(citizen, poll, poll.options.get(position=1))
    assert response.status_code == 409
    assert message in text(response)
    assert "Biểu quyết chưa được ghi nhận" in text(response)
    assert_nothing_counted(poll, [1, 0, 0], 1)
    assert VOTER_COOKIE not in response.cookies


def test_vote_on_another_communes_poll_is_refused(citizen, commune_a, commune_b):
    foreign = poll_make(commune_b, question="Câu hỏi Bí Mật Zeta?")
    response = vote(citizen, foreign, foreign.options.first())
    assert response.status_code == 404
    assert "Không tìm thấy cuộc thăm dò này trên trang thông tin của đơn vị." in text(response)
    assert "Bí Mật Zeta" not in response.content.decode()
    assert_nothing_counted(foreign, [0, 0, 0], 0)


def test_option_of_another_poll_is_refused(citizen, commune_a, commune_b):
    poll = poll_make(commune_a)
    other = poll_make(commune_a, question="Câu hỏi khác?", opens_at=timezone.now() - timedelta(days=4))
    foreign = poll_make(commune_b, question="Câu hỏi Zeta?")
    for option in [other.options.first(), foreign.options.first(), 999999, "abc"]:
        response = vote(citizen, poll, option)
        assert response.status_code == 400
        assert "Phương án bạn chọn không thuộc cuộc thăm dò này" in text(response) or "chưa chọn" in text(response)
    assert_nothing_counted(poll, [0, 0, 0], 0)
    assert PollVote.objects.count() == 0 and PollOption.objects.filter(vote_count__gt=0).count() == 0


def test_vote_without_a_choice_asks_for_one(citizen, commune_a):
    poll = poll_make(commune_a)
    response = vote(citizen, poll, None)
    assert response.status_code == 400
    assert "Bạn chưa chọn phương án nào." in text(response)
    assert PollVote.objects.count() == 0


@pytest.mark.parametrize("agent", [GOOGLEBOT_UA, "curl/8.5.0", ""], ids=["googlebot", "curl", "no-agent"])
def test_bots_cannot_vote(client, commune_a, agent):
    poll = poll_make(commune_a)
    response = vote(client, poll, poll.options.first(), HTTP_HOST=HOST_A, HTTP_USER_AGENT=agent)
    assert response.status_code == 403
    assert "Không ghi nhận biểu quyết từ chương trình tự động." in text(response)
    assert PollVote.objects.count() == 0 and counts(poll) == [0, 0, 0]


@pytest.mark.parametrize(
    "next_url",
    ["https://lua-dao.example/", "//lua-dao.example/", "http://bimatzeta.localhost/", "javascript:alert(1)",
     "/\\lua-dao.example/", ""],
)
def test_next_cannot_send_the_citizen_to_another_site(citizen, commune_a, next_url):
    poll = poll_make(commune_a)
    response = vote(citizen, poll, poll.options.first(), next_url=next_url)
    assert response.status_code == 303
    assert response["Location"] == f"/tham-do/{poll.pk}/#ket-qua"


def test_next_on_this_site_is_kept_and_a_strange_anchor_replaced(citizen, commune_a):
    poll = poll_make(commune_a)
    response = vote(citizen, poll, poll.options.first(), next_url=f"http://{HOST_A}/bao-cao/?nam=2024#x\"><b>")
    assert response["Location"] == f"http://{HOST_A}/bao-cao/?nam=2024#tham-do"


def test_refused_page_links_back_only_to_a_safe_page(citizen, commune_a):
    poll = poll_make(commune_a)
    response = vote(citizen, poll, None, next_url="https://lua-dao.example/")
    assert "lua-dao" not in response.content.decode()
    response = vote(citizen, poll, None, next_url="/bao-cao/")
    assert 'href="/bao-cao/"' in response.content.decode()


def test_vote_needs_post_and_a_csrf_token(commune_a):
    poll = poll_make(commune_a)
    strict = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER_UA, HTTP_HOST=HOST_A)
    assert strict.get(f"/tham-do/{poll.pk}/bieu-quyet/").status_code == 405
    assert vote(strict, poll, poll.options.first()).status_code == 403
    assert PollVote.objects.count() == 0
    # The token the box hands out is accepted.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', box(strict.get("/"))).group(1)
    data = {"option": poll.options.first().pk, "next": "/", "csrfmiddlewaretoken": token}
    response = strict.post(f"/tham-do/{poll.pk}/bieu-quyet/", data)
    assert response.status_code == 303
    assert PollVote.objects.count() == 1


# -- the box on every page --------------------------------------------------------------------

def test_box_shows_on_every_page_while_open_and_goes_after_close(citizen, commune_a):
    poll = poll_make(commune_a)
    article = ArticleFactory(commune=commune_a)
    for path in ["/", article.get_absolute_url(), "/bao-cao/", "/tham-do/", "/khong-co-trang-nay/"]:
        found = box(citizen.get(path))
        assert poll.question in found, path
        assert 'type="radio"' in found and "Biểu quyết</button>" in found, path
        assert f'action="/tham-do/{poll.pk}/bieu-quyet/"' in found
        assert 'name="csrfmiddlewaretoken"' in found
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    for path in ["/", article.get_absolute_url()]:
        assert box(citizen.get(path)) == "", path
    results = citizen.get(poll.get_absolute_url())
    assert results.status_code == 200 and "Đã kết thúc" in text(results)


def test_box_is_accessible_a_fieldset_with_legend_and_a_label_per_radio(citizen, commune_a):
    poll = poll_make(commune_a)
    found = box(citizen.get("/"))
    assert f'<legend class="poll__question">{poll.question}</legend>' in found
    for option in poll.options.all():
        control = f"hop-{poll.pk}-{option.pk}"
        assert f'for="{control}"' in found and f'id="{control}"' in found
    assert 'value="/#tham-do"' in found  # back to this page, at the box
    assert "{#" not in found and "{%" not in found and "Needs poll" not in found  # no template text leaks


def test_box_shows_the_newest_open_poll_and_not_other_communes(citizen, commune_a, commune_b):
    poll_make(commune_a, question="Câu hỏi cũ hơn?", opens_at=timezone.now() - timedelta(days=10))
    poll_make(commune_a, question="Câu hỏi mới nhất?", opens_at=timezone.now() - timedelta(hours=1))
    poll_make(commune_a, question="Câu hỏi chưa mở?", opens_at=timezone.now() + timedelta(hours=1))
    poll_make(commune_b, question="Câu hỏi Bí Mật Zeta?", opens_at=timezone.now() - timedelta(minutes=1))
    found = box(citizen.get("/"))
    assert "Câu hỏi mới nhất?" in found
    assert "Câu hỏi cũ hơn?" not in found and "chưa mở" not in found and "Zeta" not in found


def test_box_without_any_poll_shows_nothing(citizen, commune_a):
    assert box(citizen.get("/")) == ""
    assert "Ý kiến thăm dò" not in citizen.get("/").content.decode()


def test_the_page_is_the_same_for_everyone_and_the_readers_box_comes_apart(citizen, commune_a):
    """The page with the box sets no cookie and stays in the page cache; the reader's own box
    (form with a CSRF token, or results) is a separate answer that no cache keeps."""
    poll = poll_make(commune_a)
    page = citizen.get("/")
    assert not page.cookies and "Cookie" not in page.get("Vary", "")
    assert page["Cache-Control"].startswith("public") and "csrfmiddlewaretoken" not in page.content.decode()
    shared = re.search(r'<section class="box poll".*?</section>', page.content.decode(), re.S).group(0)
    # Without JavaScript the shared box opens the poll's page with the choice made, to confirm there.
    assert f'method="get" action="/tham-do/{poll.pk}/"' in shared and 'type="radio"' in shared
    option = poll.options.last()
    confirm = citizen.get(f"/tham-do/{poll.pk}/?option={option.pk}").content.decode()
    assert re.search(rf'value="{option.pk}" required checked', confirm)
    vote(citizen, poll, poll.options.first())
    again = citizen.get("/")
    assert again["X-Page-Cache"] == "HIT" and again.content == page.content
    assert "Cảm ơn bạn đã biểu quyết." in box(again)
    assert "sessionid" not in again.cookies and "sessionid" not in citizen.cookies
    live = citizen.get("/tham-do/hop/?next=/")
    assert live["Cache-Control"] == "private, no-store" and live.get("X-Page-Cache") != "HIT"


def test_the_readers_box_goes_back_only_to_a_page_of_this_site(citizen, commune_a):
    poll_make(commune_a)
    for hostile in ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example"]:
        found = citizen.get("/tham-do/hop/", {"next": hostile}).content.decode()
        assert 'name="next" value="/#tham-do"' in found, hostile


def test_question_and_options_are_escaped(citizen, commune_a):
    poll_make(commune_a, question="<script>alert(1)</script>?", options=("<b>Có</b>", "Không"))
    body = citizen.get("/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;b&gt;Có&lt;/b&gt;" in body


def _queries(client, path):
    client.get(path)  # warm up: the host lookup is cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@override_settings(PAGE_CACHE=False)
def test_box_queries_do_not_grow_with_options_or_votes(commune_a, commune_b):
    poll_make(commune_a, options=("Có", "Không"), votes=[1, 0])
    big = poll_make(commune_b, options=[f"Phương án {i}" for i in range(12)], votes=[3] * 12)
    reader_a = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_HOST=HOST_A)
    reader_b = Client(HTTP_USER_AGENT=BROWSER_UA, HTTP_HOST="bimatzeta.localhost")
    assert _queries(reader_a, "/tham-do/") == _queries(reader_b, "/tham-do/")
    assert _queries(reader_a, "/") == _queries(reader_b, "/")
    small_box, big_box = _queries(reader_a, "/tham-do/hop/"), _queries(reader_b, "/tham-do/hop/")
    assert small_box == big_box
    # A visitor who voted: one more query (was it this visitor?), then the results; same on both sites.
    vote(reader_b, big, big.options.first())
    reader_a.cookies[VOTER_COOKIE] = reader_b.cookies[VOTER_COOKIE].value
    assert _queries(reader_a, "/tham-do/hop/") == _queries(reader_b, "/tham-do/hop/") == big_box + 1
    assert _queries(reader_a, f"/tham-do/{Poll.objects.filter(commune=commune_a).get().pk}/") == _queries(
        reader_b, f"/tham-do/{big.pk}/")


@override_settings(PAGE_CACHE=False)
def test_box_costs_no_query_once_kept_and_the_page_never_asks_for_the_voter(citizen, commune_a):
    """The open poll is kept per commune (mttq_portal.commune_parts): after the first page that
    reads it, a page with the poll box runs no more queries than one without a poll, and creating
    the poll shows it on the very next page."""
    without = _queries(citizen, "/")
    assert 'id="tham-do"' not in citizen.get("/").content.decode()
    poll = poll_make(commune_a, votes=[5, 5, 5])
    assert poll.question in citizen.get("/").content.decode()
    with_poll = _queries(citizen, "/")
    assert with_poll == without
    vote(citizen, poll, poll.options.first())
    assert _queries(citizen, "/") == with_poll  # the voter is looked up by the box, not the page


# -- results and list pages -------------------------------------------------------------------

def test_results_page_stays_after_the_poll_closes(citizen, commune_a):
    poll = poll_make(commune_a, votes=[3, 1, 0], opens_at=timezone.now() - timedelta(days=30),
                     closes_at=timezone.now() - timedelta(days=1))
    response = citizen.get(poll.get_absolute_url())
    assert response.status_code == 200
    shown = text(response)
    assert "<h1" in response.content.decode() and poll.question in shown
    assert "Đã kết thúc" in shown and "Kết quả cuối cùng" in shown
    assert "Rất hữu ích 3 (75%)" in shown and "Hữu ích 1 (25%)" in shown and "Bình thường 0 (0%)" in shown
    assert "4 lượt bình chọn" in shown
    assert "(GMT+7)" in shown
    assert 'type="radio"' not in response.content.decode()


def test_results_page_of_an_open_poll_offers_the_form_until_the_citizen_votes(citizen, commune_a):
    poll = poll_make(commune_a)
    page = citizen.get(poll.get_absolute_url())
    body = page.content.decode()
    assert "Đang mở" in text(page) and f'id="trang-{poll.pk}-' in body
    assert 'class="box poll"' not in body  # the sidebar does not repeat the same poll
    response = vote(citizen, poll, poll.options.first(), next_url=poll.get_absolute_url() + "#ket-qua")
    assert response["Location"] == poll.get_absolute_url() + "#ket-qua"
    after = citizen.get(poll.get_absolute_url())
    assert 'type="radio"' not in after.content.decode() and "Cảm ơn bạn đã biểu quyết." in text(after)


@pytest.mark.parametrize("change", [{"is_active": False}, {"opens_at": timezone.now() + timedelta(days=1)}])
def test_hidden_and_future_polls_have_no_public_page(citizen, commune_a, change):
    poll = poll_make(commune_a)
    Poll.objects.filter(pk=poll.pk).update(**change)
    assert citizen.get(poll.get_absolute_url()).status_code == 404
    assert poll.question not in citizen.get("/tham-do/").content.decode()


def test_other_communes_poll_page_is_404(citizen, commune_b):
    foreign = poll_make(commune_b, question="Câu hỏi Bí Mật Zeta?")
    response = citizen.get(foreign.get_absolute_url())
    assert response.status_code == 404 and "Zeta" not in response.content.decode()


def test_list_page_shows_the_communes_polls_newest_first_with_state_and_totals(citizen, commune_a, commune_b):
    now = timezone.now()
    poll_make(commune_a, question="Câu hỏi đã xong?", votes=[2, 2, 1], opens_at=now - timedelta(days=40),
              closes_at=now - timedelta(days=10))
    poll_make(commune_a, question="Câu hỏi đang mở?", votes=[1, 0, 0], closes_at=now + timedelta(days=10))
    poll_make(commune_b, question="Câu hỏi Bí Mật Zeta?")
    response = citizen.get("/tham-do/")
    assert response.status_code == 200
    shown = text(response)
    assert shown.index("Câu hỏi đang mở?") < shown.index("Câu hỏi đã xong?")
    assert "Đang mở" in shown and "Đã kết thúc" in shown
    assert "5 lượt bình chọn" in shown and "1 lượt bình chọn" in shown
    assert "Zeta" not in response.content.decode()


def test_list_page_without_polls_says_so(citizen, commune_a):
    assert "Chưa có cuộc thăm dò nào." in text(citizen.get("/tham-do/"))
    assert citizen.get("/tham-do/?trang=9").status_code == 404
