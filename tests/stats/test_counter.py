"""The counter definitions, on both stores (database and a real Redis)."""
from datetime import UTC, datetime, timedelta

import pytest

from stats.counters import DatabaseCounter, periods_at
from stats.models import DailyVisit, VisitTotal

# 10:00 on Wednesday 12/11/2025 in Hà Nội (03:00 UTC).
WED_10H = datetime(2025, 11, 12, 3, 0, tzinfo=UTC)


def test_periods_start_at_midnight_gmt7_weeks_on_monday():
    # 16:59 UTC on Sunday 16/11 is 23:59 Sunday in Hà Nội; one minute later it is Monday.
    sunday_late = datetime(2025, 11, 16, 16, 59, tzinfo=UTC)
    monday = sunday_late + timedelta(minutes=1)
    assert periods_at(sunday_late).today.isoformat() == "2025-11-16"
    assert periods_at(sunday_late).week_start.isoformat() == "2025-11-10"
    assert periods_at(monday).today.isoformat() == "2025-11-17"
    assert periods_at(monday).week_start.isoformat() == "2025-11-17"
    assert periods_at(datetime(2025, 11, 30, 17, 0, tzinfo=UTC)).month_start.isoformat() == "2025-12-01"


@pytest.mark.django_db
def test_a_visit_is_a_run_of_views_with_no_gap_over_30_minutes(counter, commune_a):
    assert counter.hit(commune_id=commune_a.pk, visitor="v1", now=WED_10H) is True
    assert counter.hit(commune_id=commune_a.pk, visitor="v1", now=WED_10H + timedelta(minutes=29)) is False
    # 29 minutes after the last view: still the same visit.
    assert counter.hit(commune_id=commune_a.pk, visitor="v1", now=WED_10H + timedelta(minutes=58)) is False
    # More than 30 minutes of silence: a new visit.
    assert counter.hit(commune_id=commune_a.pk, visitor="v1", now=WED_10H + timedelta(minutes=89)) is True
    snap = counter.snapshot(commune=commune_a, now=WED_10H + timedelta(minutes=90))
    assert (snap.today, snap.this_week, snap.this_month) == (2, 2, 2)


@pytest.mark.django_db
def test_online_counts_distinct_visitors_of_the_last_five_minutes(counter, commune_a):
    for minute, visitor in [(0, "a"), (1, "b"), (2, "a"), (6, "c"), (7, "c")]:
        counter.hit(commune_id=commune_a.pk, visitor=visitor, now=WED_10H + timedelta(minutes=minute))
    # At minute 7: a (seen at minute 2) and c; b (minute 1) is gone.
    assert counter.snapshot(commune=commune_a, now=WED_10H + timedelta(minutes=7)).online == 2
    assert counter.snapshot(commune=commune_a, now=WED_10H + timedelta(minutes=12)).online == 1  # only c


@pytest.mark.django_db
def test_opening_total_is_added_to_all_and_yesterday_is_yesterday(counter, commune_a):
    commune_a.opening_visit_total = 2_812_546
    commune_a.save()
    counter.hit(commune_id=commune_a.pk, visitor="x", now=WED_10H - timedelta(days=1))
    counter.hit(commune_id=commune_a.pk, visitor="y", now=WED_10H)
    counter.hit(commune_id=commune_a.pk, visitor="z", now=WED_10H)
    snap = counter.snapshot(commune=commune_a, now=WED_10H)
    assert (snap.today, snap.yesterday, snap.this_week) == (2, 1, 3)
    assert snap.total == 2_812_546 + 3


@pytest.mark.django_db
def test_midnight_in_vietnam_starts_a_new_day_not_utc_midnight(counter, commune_a):
    # 23:50 on the 12th in Hà Nội, then 00:10 on the 13th (both the 12th in UTC).
    before = datetime(2025, 11, 12, 16, 50, tzinfo=UTC)
    after = datetime(2025, 11, 12, 17, 10, tzinfo=UTC)
    counter.hit(commune_id=commune_a.pk, visitor="late", now=before)
    counter.hit(commune_id=commune_a.pk, visitor="early", now=after)
    snap = counter.snapshot(commune=commune_a, now=after)
    assert (snap.today, snap.yesterday, snap.this_week) == (1, 1, 2)


@pytest.mark.django_db
def test_communes_are_counted_apart(counter, commune_a, commune_b):
    counter.hit(commune_id=commune_a.pk, visitor="same", now=WED_10H)
    counter.hit(commune_id=commune_b.pk, visitor="same", now=WED_10H)
    counter.hit(commune_id=commune_b.pk, visitor="other", now=WED_10H)
    assert counter.snapshot(commune=commune_a, now=WED_10H).today == 1
    assert counter.snapshot(commune=commune_b, now=WED_10H).today == 2


@pytest.mark.django_db
def test_redis_flush_reaches_the_database_and_survives_a_redis_restart(commune_a):
    from stats.counters import RedisCounter
    from tests.stats.conftest import redis_client

    client = redis_client()
    client.flushdb()
    counter = RedisCounter(client, prefix="restart")
    for i in range(5):
        counter.hit(commune_id=commune_a.pk, visitor=f"v{i}", now=WED_10H)
    counter.flush()
    counter.flush()  # copying twice never counts twice
    day = periods_at(WED_10H).today
    assert DailyVisit.objects.get(commune=commune_a, day=day).visits == 5
    assert VisitTotal.objects.get(commune=commune_a).visits == 5
    client.flushdb()  # Redis restarts empty
    counter.hit(commune_id=commune_a.pk, visitor="after-restart", now=WED_10H + timedelta(minutes=1))
    snap = counter.snapshot(commune=commune_a, now=WED_10H + timedelta(minutes=1))
    assert (snap.today, snap.total) == (6, 6)
    counter.flush()
    assert DailyVisit.objects.get(commune=commune_a, day=day).visits == 6
    client.flushdb()


@pytest.mark.django_db
def test_the_box_shows_the_rows_the_commune_chose_in_vietnamese_format(client, commune_a):
    commune_a.opening_visit_total = 41021
    commune_a.show_yesterday = False
    commune_a.save()
    DatabaseCounter().hit(commune_id=commune_a.pk, visitor="v")
    from stats.counters import visit_counter

    visit_counter().hit(commune_id=commune_a.pk, visitor="w")
    page = client.get("/", HTTP_HOST="thanhmien.localhost").content.decode()
    assert "Thống kê truy cập" in page and "Đang truy cập" in page and "Tất cả" in page
    assert "Hôm qua" not in page
    assert "41.02" in page  # 41.021 + visits, with a dot for thousands


@pytest.mark.django_db
def test_beacon_counts_sets_a_cookie_and_ignores_bots(client, commune_a):
    browser = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"
    first = client.post("/thong-ke/b", {"p": "/"}, HTTP_HOST="thanhmien.localhost", HTTP_USER_AGENT=browser)
    assert first.status_code == 204 and first["Cache-Control"] == "no-store"
    client.post("/thong-ke/b", {"p": "/"}, HTTP_HOST="thanhmien.localhost", HTTP_USER_AGENT=browser)
    client.post("/thong-ke/b", {"p": "/"}, HTTP_HOST="thanhmien.localhost", HTTP_USER_AGENT="Googlebot/2.1")
    gif = client.get("/thong-ke/b", HTTP_HOST="thanhmien.localhost", HTTP_USER_AGENT=browser)
    assert gif["Content-Type"] == "image/gif"
    from stats.counters import visit_counter

    snap = visit_counter().snapshot(commune=commune_a)
    assert snap.today == 1  # one browser, one visit; the bot not counted
    assert snap.online == 1


@pytest.mark.django_db
def test_pages_stay_cacheable_they_set_no_cookie_and_count_nothing(client, commune_a):
    response = client.get("/", HTTP_HOST="thanhmien.localhost", HTTP_USER_AGENT="Mozilla/5.0 Chrome/130")
    assert "mttq_vid" not in response.cookies
    assert 'src="/static/js/beacon.js"' in response.content.decode()
    assert not DailyVisit.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999", "-1", "1.5", "<script>", "1" * 500])
def test_beacon_ignores_odd_article_ids(client, commune_a, value):
    response = client.post("/thong-ke/b", {"a": value}, HTTP_HOST="thanhmien.localhost",
                           HTTP_USER_AGENT="Mozilla/5.0 Chrome/130")
    assert response.status_code == 204
    assert client.get("/thong-ke/b", {"a": value}, HTTP_HOST="thanhmien.localhost",
                      HTTP_USER_AGENT="Mozilla/5.0 Chrome/130").status_code == 200
