"""Property-based: random visit streams and clock moves across midnight, Monday and the 1st
(GMT+7). After every hit the numbers obey the invariants and equal a plain re-count."""
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from stats.counters import VISIT_GAP, DatabaseCounter, RedisCounter, periods_at
from stats.models import DailyVisit, VisitorState, VisitTotal

# Start just before midnight on Sunday 30/11/2025 in Hà Nội: the next minutes cross a day,
# a week (Monday 01/12) and a month (the 1st) at once.
START = datetime(2025, 11, 30, 16, 40, tzinfo=UTC)

steps = st.lists(
    st.tuples(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=3 * 60 * 60)),
    min_size=1, max_size=40,
)


def recount(hits, now):
    """The definition, computed from scratch: visits per GMT+7 day by the 30-minute rule."""
    last_seen, visits = {}, {}
    for visitor, moment in hits:
        previous = last_seen.get(visitor)
        if previous is None or moment - previous > VISIT_GAP:
            day = periods_at(moment).today
            visits[day] = visits.get(day, 0) + 1
        last_seen[visitor] = max(moment, previous) if previous else moment
    p = periods_at(now)
    today = visits.get(p.today, 0)
    week = sum(v for d, v in visits.items() if p.week_start <= d <= p.today)
    month = sum(v for d, v in visits.items() if p.month_start <= d <= p.today)
    online = len({v for v, m in last_seen.items() if now - m <= timedelta(minutes=5)})
    return today, week, month, sum(visits.values()), online


def check_stream(counter, commune, stream, opening):
    hits, moment = [], START
    for visitor, advance in stream:
        moment = moment + timedelta(seconds=advance)
        counter.hit(commune_id=commune.pk, visitor=f"v{visitor}", now=moment)
        hits.append((f"v{visitor}", moment))
        snap = counter.snapshot(commune=commune, now=moment)
        assert snap.today <= snap.this_week <= snap.total
        assert snap.today <= snap.this_month <= snap.total
        today, week, month, total, online = recount(hits, moment)
        assert (snap.today, snap.this_week, snap.this_month) == (today, week, month)
        assert snap.total == opening + total
        assert snap.online == online


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=steps, opening=st.integers(min_value=0, max_value=3_000_000))
def test_database_counter_invariants_hold_at_every_moment(commune_a, stream, opening):
    DailyVisit.objects.all().delete()
    VisitTotal.objects.all().delete()
    VisitorState.objects.all().delete()
    commune_a.opening_visit_total = opening
    check_stream(DatabaseCounter(), commune_a, stream, opening)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=steps, opening=st.integers(min_value=0, max_value=3_000_000))
def test_redis_counter_invariants_hold_at_every_moment(commune_a, stream, opening):
    from tests.stats.conftest import redis_client

    client = redis_client()
    client.flushdb()
    DailyVisit.objects.all().delete()
    VisitTotal.objects.all().delete()
    commune_a.opening_visit_total = opening
    check_stream(RedisCounter(client, prefix="hyp"), commune_a, stream, opening)
