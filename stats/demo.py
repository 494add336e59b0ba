"""Demo visit history: 120 days per demo commune, weekday rhythm, so the admin chart and the
counter box have something to show. Idempotent."""
from datetime import timedelta
import random

from django.db.models import Sum
from django.utils import timezone

from communes.models import Commune
from mttq_portal.vietnamese import VN_TZ

from .models import DailyVisit, VisitTotal


def demo_visits_load(*, stdout):
    today = timezone.now().astimezone(VN_TZ).date()
    for code, base in (("thanhmien", 60), ("saovang", 140)):
        commune = Commune.objects.filter(code=code).first()
        if commune is None or DailyVisit.objects.filter(commune=commune).exists():
            continue
        rng = random.Random(code)
        rows = []
        for back in range(1, 121):
            day = today - timedelta(days=back)
            factor = 0.6 if day.weekday() >= 5 else 1.0
            visits = int(base * factor * rng.uniform(0.7, 1.3))
            rows.append(DailyVisit(commune=commune, day=day, visits=visits, page_views=visits * rng.randint(2, 4)))
        DailyVisit.objects.bulk_create(rows)
        total = DailyVisit.objects.filter(commune=commune).aggregate(s=Sum("visits"))["s"] or 0
        VisitTotal.objects.update_or_create(commune=commune, defaults={"visits": total})
        stdout.write(f"  Thống kê truy cập mẫu: {commune.name} — 120 ngày, {total} lượt.")
