"""Visitor counters: per-day history, running totals, and the visitor state that decides when a
new visit starts (no page view for 30 minutes)."""
from django.db import models

from communes.models import Commune


class DailyVisit(models.Model):
    """Visits and page views of one commune on one GMT+7 day."""

    commune_lookup = "commune"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="daily_visits")
    day = models.DateField("ngày")
    visits = models.PositiveBigIntegerField("lượt truy cập", default=0)
    page_views = models.PositiveBigIntegerField("lượt xem trang", default=0)

    class Meta:
        verbose_name = "lượt truy cập theo ngày"
        verbose_name_plural = "thống kê truy cập theo ngày"
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["commune", "day"], name="daily_visit_unique")]

    def __str__(self):
        return f"{self.commune} {self.day:%d/%m/%Y}: {self.visits}"


class VisitTotal(models.Model):
    """The running total of visits counted here (the opening figure is added when shown)."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="visit_total", primary_key=True)
    visits = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "tổng lượt truy cập"
        verbose_name_plural = "tổng lượt truy cập"


class VisitorState(models.Model):
    """When a visitor was last seen (database mode only; Redis keeps this itself)."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "visitor"], name="visitor_state_unique")]
        indexes = [models.Index(fields=["commune", "last_seen_at"], name="visitor_recent")]
