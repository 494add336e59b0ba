"""Visitor counting, exact under concurrency, in one of two stores.

Definitions (PRODUCT.md): a visit is one visitor's run of page views with no gap over 30
minutes; "Đang truy cập" is the distinct visitors seen in the last 5 minutes; days, weeks
(from Monday) and months start at 00:00 GMT+7; "Tất cả" adds the commune's opening figure.

* ``DatabaseCounter`` (no REDIS_URL): each hit decides "new visit or not" with one conditional
  UPDATE on the visitor's row (PostgreSQL re-checks the condition after a concurrent update,
  SQLite serialises writers), and increments the day row and the running total in the same
  transaction.
* ``RedisCounter`` (REDIS_URL set; several app servers): one Lua script per hit does the same
  atomically in Redis: the visitor's last-seen time tells a new visit (gap over 30 minutes), then the day hash
  and the total are incremented. ``flush`` copies the absolute values to the database with
  GREATEST, so copying twice never counts twice; if Redis loses its data, the next hit reseeds
  the day and the total from the database. At most the hits since the last flush (one minute by
  default, ``STATS_FLUSH_SECONDS``) can be lost with Redis.

Reads return a ``CounterSnapshot`` clamped so that today ≤ week ≤ all and today ≤ month ≤ all
hold at every moment, whatever the timing of concurrent writes.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from mttq_portal.vietnamese import VN_TZ

from .models import DailyVisit, VisitorState, VisitTotal

VISIT_GAP = timedelta(minutes=30)
ONLINE_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class CounterSnapshot:
    online: int
    today: int
    yesterday: int
    this_week: int
    this_month: int
    total: int

    def as_dict(self):
        return {"online": self.online, "today": self.today, "yesterday": self.yesterday,
                "this_week": self.this_week, "this_month": self.this_month, "total": self.total}


@dataclass(frozen=True)
class Periods:
    today: object
    yesterday: object
    week_start: object
    month_start: object

    @property
    def earliest(self):
        return min(self.yesterday, self.week_start, self.month_start)


def periods_at(now):
    """The GMT+7 calendar around ``now``: today, yesterday, Monday of this week, the 1st."""
    today = now.astimezone(VN_TZ).date()
    return Periods(
        today=today, yesterday=today - timedelta(days=1),
        week_start=today - timedelta(days=today.weekday()), month_start=today.replace(day=1),
    )


def snapshot_from_days(*, days, total_counted, online, opening, now):
    """Build the six numbers from per-day visits; clamp so the invariants always hold."""
    p = periods_at(now)
    today = days.get(p.today, 0)
    yesterday = days.get(p.yesterday, 0)
    week = max(today, sum(v for d, v in days.items() if p.week_start <= d <= p.today))
    month = max(today, sum(v for d, v in days.items() if p.month_start <= d <= p.today))
    total = opening + max(total_counted, week, month)
    total = max(total, week, month)
    return CounterSnapshot(online=online, today=today, yesterday=yesterday, this_week=week, this_month=month,
                           total=total)


# -- database store ---------------------------------------------------------------------------

def _increment_day(commune_id, day, visits, page_views):
    updated = DailyVisit.objects.filter(commune_id=commune_id, day=day).update(
        visits=F("visits") + visits, page_views=F("page_views") + page_views
    )
    if updated:
        return
    try:
        with transaction.atomic():
            DailyVisit.objects.create(commune_id=commune_id, day=day, visits=visits, page_views=page_views)
    except IntegrityError:
        DailyVisit.objects.filter(commune_id=commune_id, day=day).update(
            visits=F("visits") + visits, page_views=F("page_views") + page_views
        )


def _increment_total(commune_id, by=1):
    if VisitTotal.objects.filter(commune_id=commune_id).update(visits=F("visits") + by):
        return
    try:
        with transaction.atomic():
            VisitTotal.objects.create(commune_id=commune_id, visits=by)
    except IntegrityError:
        VisitTotal.objects.filter(commune_id=commune_id).update(visits=F("visits") + by)


class DatabaseCounter:
    name = "database"

    def hit(self, *, commune_id, visitor, now=None):
        """Record one page view; returns True when it starts a new visit."""
        now = now or timezone.now()
        day = periods_at(now).today
        with transaction.atomic():
            new_visit = bool(
                VisitorState.objects.filter(
                    commune_id=commune_id, visitor=visitor, last_seen_at__lt=now - VISIT_GAP
                ).update(last_seen_at=now)
            )
            if not new_visit:
                seen = VisitorState.objects.filter(commune_id=commune_id, visitor=visitor).update(
                    last_seen_at=Greatest(F("last_seen_at"), now)
                )
                if not seen:
                    try:
                        with transaction.atomic():
                            VisitorState.objects.create(commune_id=commune_id, visitor=visitor, last_seen_at=now)
                        new_visit = True
                    except IntegrityError:  # the same visitor's other request got there first
                        pass
            _increment_day(commune_id, day, 1 if new_visit else 0, 1)
            if new_visit:
                _increment_total(commune_id)
        return new_visit

    def snapshot(self, *, commune, now=None):
        now = now or timezone.now()
        p = periods_at(now)
        rows = DailyVisit.objects.filter(commune=commune, day__gte=p.earliest, day__lte=p.today)
        days = dict(rows.values_list("day", "visits"))
        total = VisitTotal.objects.filter(commune=commune).values_list("visits", flat=True).first() or 0
        online = VisitorState.objects.filter(commune=commune, last_seen_at__gte=now - ONLINE_WINDOW).count()
        return snapshot_from_days(days=days, total_counted=total, online=online, opening=commune.opening_visit_total,
                                  now=now)

    def flush(self):
        return 0

    def maybe_flush(self):
        return 0


# -- Redis store --------------------------------------------------------------------------------

HIT_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then
  return -1
end
local now = tonumber(ARGV[1])
local old = redis.call('GET', KEYS[1])
local new_visit = 0
if (not old) or (now - tonumber(old) > tonumber(ARGV[2])) then new_visit = 1 end
if (not old) or (now > tonumber(old)) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', 2 * tonumber(ARGV[2]))
end
redis.call('HINCRBY', KEYS[2], 'pv', 1)
if new_visit == 1 then
  redis.call('HINCRBY', KEYS[2], 'v', 1)
  redis.call('INCR', KEYS[3])
end
redis.call('EXPIRE', KEYS[2], 3456000)
redis.call('ZADD', KEYS[4], 'GT', now, ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. tostring(now - tonumber(ARGV[3])))
redis.call('EXPIRE', KEYS[4], 3600)
redis.call('SADD', KEYS[5], ARGV[5])
return new_visit
"""


class RedisCounter:
    name = "redis"

    def __init__(self, client, prefix="mttq"):
        self.client = client
        self.prefix = f"{prefix}:stats"
        self._hit = client.register_script(HIT_SCRIPT)

    def _keys(self, commune_id, day):
        base = f"{self.prefix}:{commune_id}"
        return {
            "day": f"{base}:d:{day:%Y%m%d}", "total": f"{base}:total", "online": f"{base}:online",
            "dirty": f"{self.prefix}:dirty", "seen": f"{base}:seen:",
        }

    def _seed(self, commune_id, day, keys):
        """After a new day or a Redis restart: start from what the database already holds."""
        row = DailyVisit.objects.filter(commune_id=commune_id, day=day).values("visits", "page_views").first()
        total = VisitTotal.objects.filter(commune_id=commune_id).values_list("visits", flat=True).first() or 0
        pipe = self.client.pipeline(transaction=True)
        pipe.hsetnx(keys["day"], "v", row["visits"] if row else 0)
        pipe.hsetnx(keys["day"], "pv", row["page_views"] if row else 0)
        pipe.setnx(keys["total"], total)
        pipe.execute()

    def hit(self, *, commune_id, visitor, now=None):
        now = now or timezone.now()
        day = periods_at(now).today
        keys = self._keys(commune_id, day)
        args = [f"{now.timestamp():.3f}", int(VISIT_GAP.total_seconds()), int(ONLINE_WINDOW.total_seconds()), visitor,
                f"{commune_id}:{day:%Y%m%d}"]
        key_list = [keys["seen"] + visitor, keys["day"], keys["total"], keys["online"], keys["dirty"]]
        result = self._hit(keys=key_list, args=args)
        if result == -1:
            self._seed(commune_id, day, keys)
            result = self._hit(keys=key_list, args=args)
        return result == 1

    def maybe_flush(self):
        interval = int(getattr(settings, "STATS_FLUSH_SECONDS", 60))
        if self.client.set(f"{self.prefix}:flushlock", "1", nx=True, ex=max(1, interval)):
            self.flush()

    def flush(self):
        """Copy every touched day and total to the database. Idempotent (absolute values)."""
        members = self.client.spop(f"{self.prefix}:dirty", 10000) or []
        copied = 0
        try:
            for member in members:
                member = member.decode() if isinstance(member, bytes) else member
                commune_id, stamp = member.split(":")
                day = timezone.datetime.strptime(stamp, "%Y%m%d").date()
                keys = self._keys(int(commune_id), day)
                values = self.client.hgetall(keys["day"])
                total = self.client.get(keys["total"])
                visits = int(values.get(b"v", 0)) if values else 0
                views = int(values.get(b"pv", 0)) if values else 0
                with transaction.atomic():
                    updated = DailyVisit.objects.filter(commune_id=commune_id, day=day).update(
                        visits=Greatest(F("visits"), visits), page_views=Greatest(F("page_views"), views)
                    )
                    if not updated:
                        try:
                            with transaction.atomic():
                                DailyVisit.objects.create(commune_id=commune_id, day=day, visits=visits,
                                                          page_views=views)
                        except IntegrityError:
                            DailyVisit.objects.filter(commune_id=commune_id, day=day).update(
                                visits=Greatest(F("visits"), visits), page_views=Greatest(F("page_views"), views))
                    if total is not None:
                        if not VisitTotal.objects.filter(commune_id=commune_id).update(
                                visits=Greatest(F("visits"), int(total))):
                            VisitTotal.objects.get_or_create(commune_id=commune_id, defaults={"visits": int(total)})
                copied += 1
        except Exception:
            if members:
                self.client.sadd(f"{self.prefix}:dirty", *members)  # try again next time
            raise
        return copied

    def snapshot(self, *, commune, now=None):
        now = now or timezone.now()
        p = periods_at(now)
        day_list = [p.earliest + timedelta(days=i) for i in range((p.today - p.earliest).days + 1)]
        keys = self._keys(commune.pk, p.today)
        pipe = self.client.pipeline(transaction=True)
        for day in day_list:
            pipe.hget(self._keys(commune.pk, day)["day"], "v")
        pipe.get(keys["total"])
        pipe.zcount(keys["online"], (now - ONLINE_WINDOW).timestamp(), "+inf")
        results = pipe.execute()
        days = {day: int(v) for day, v in zip(day_list, results[:-2], strict=True) if v is not None}
        total = results[-2]
        if total is None or p.today not in days:
            # Redis has not seen this commune today (or lost its data): complete from the database.
            stored = dict(DailyVisit.objects.filter(commune=commune, day__gte=p.earliest, day__lte=p.today)
                          .values_list("day", "visits"))
            for day, visits in stored.items():
                days[day] = max(days.get(day, 0), visits)
            stored_total = VisitTotal.objects.filter(commune=commune).values_list("visits", flat=True).first() or 0
            total = max(int(total or 0), stored_total)
        return snapshot_from_days(days=days, total_counted=int(total), online=int(results[-1]),
                                  opening=commune.opening_visit_total, now=now)


_counter = None


def visit_counter():
    """The store this deployment uses: Redis when the default cache is Redis, else the database."""
    global _counter
    if _counter is None:
        backend = settings.CACHES["default"]["BACKEND"]
        if backend == "django_redis.cache.RedisCache":
            from django_redis import get_redis_connection

            _counter = RedisCounter(get_redis_connection("default"),
                                    prefix=settings.CACHES["default"].get("KEY_PREFIX", "mttq"))
        else:
            _counter = DatabaseCounter()
    return _counter




BOX_SECONDS = 5


def counter_values_cached(commune):
    """The numbers of a commune's counter box as a dict, shared by all readers for 5 seconds."""
    from django.core.cache import cache

    key = f"stats:box:{commune.pk}"
    values = cache.get(key)
    if values is None:
        values = visit_counter().snapshot(commune=commune).as_dict()
        cache.set(key, values, BOX_SECONDS)
    return values
