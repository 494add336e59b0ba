"""Per-day visit history, with a chart of the last 90 days per commune."""
from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from communes.admin_scoping import CommuneScopedAdmin
from mttq_portal.vietnamese import VN_TZ, format_number_vn

from .models import DailyVisit

CHART_DAYS = 90


@admin.register(DailyVisit)
class DailyVisitAdmin(CommuneScopedAdmin):
    change_list_template = "admin/stats/dailyvisit/change_list.html"
    list_display = ["day_display", "commune", "visits_display", "page_views_display"]
    list_filter = ["commune"]
    date_hierarchy = "day"
    list_select_related = ["commune"]

    @admin.display(description="ngày", ordering="day")
    def day_display(self, obj):
        return obj.day.strftime("%d/%m/%Y")

    @admin.display(description="lượt truy cập", ordering="visits")
    def visits_display(self, obj):
        return format_number_vn(obj.visits)

    @admin.display(description="lượt xem trang", ordering="page_views")
    def page_views_display(self, obj):
        return format_number_vn(obj.page_views)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        today = timezone.now().astimezone(VN_TZ).date()
        start = today - timedelta(days=CHART_DAYS - 1)
        charts = []
        rows = self.get_queryset(request).filter(day__gte=start).select_related("commune").order_by("commune", "day")
        by_commune = {}
        for row in rows:
            by_commune.setdefault(row.commune, {})[row.day] = row.visits
        for commune, values in by_commune.items():
            days = [start + timedelta(days=i) for i in range(CHART_DAYS)]
            series = [values.get(day, 0) for day in days]
            peak = max(series) or 1
            bars = [
                {"x": i * 8, "height": round(v / peak * 120, 1), "y": round(130 - v / peak * 120, 1), "value": v,
                 "label": day.strftime("%d/%m/%Y")}
                for i, (day, v) in enumerate(zip(days, series, strict=True))
            ]
            charts.append({"commune": commune, "bars": bars, "peak": peak, "total": sum(series),
                           "first": days[0], "last": days[-1]})
        extra_context = {**(extra_context or {}), "visit_charts": charts, "chart_days": CHART_DAYS}
        return super().changelist_view(request, extra_context)
