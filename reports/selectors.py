"""Reads for the report pages: lists, the figure series for charts, the latest report."""
from collections import OrderedDict

from django.utils import timezone

from .models import ReportFigure, ReportingBody, ReportSummary


def reports_published(commune, *, body=None):
    queryset = ReportSummary.objects.published(commune).select_related("body").only(
        "id", "slug", "title", "year", "period", "conference", "conference_date", "published_at",
        "body__id", "body__name", "body__slug",
    )
    if body is not None:
        queryset = queryset.filter(body=body)
    return sorted(queryset, key=lambda r: r.sort_key, reverse=True)


def reports_by_year(reports):
    grouped = OrderedDict()
    for report in reports:
        grouped.setdefault(report.year, []).append(report)
    return list(grouped.items())


def bodies_with_reports(commune):
    return list(ReportingBody.objects.filter(commune=commune, reports__status="published").distinct())


def report_for_reader(commune, slug):
    return (
        ReportSummary.objects.published(commune).select_related("body")
        .prefetch_related("figures__definition").filter(slug=slug).first()
    )


def report_latest(commune):
    reports = list(ReportSummary.objects.published(commune).select_related("body").order_by("-published_at")[:20])
    return max(reports, key=lambda r: (r.sort_key, r.published_at)) if reports else None


def figure_series(report):
    """For each key figure of this report: its values over every published period of the same
    reporting body, oldest first. One query."""
    definition_ids = [figure.definition_id for figure in report.figures.all()]
    rows = (
        ReportFigure.objects.filter(
            definition_id__in=definition_ids,
            report__commune_id=report.commune_id, report__body_id=report.body_id,
            report__status=ReportSummary.Status.PUBLISHED, report__published_at__lte=timezone.now(),
        )
        .select_related("report", "definition")
        .only("value", "target", "definition_id", "definition__name", "definition__unit",
              "report__year", "report__period", "report__id", "report__slug")
    )
    series = OrderedDict((figure.definition_id, {"definition": figure.definition, "points": []})
                         for figure in report.figures.all())
    for row in rows:
        series[row.definition_id]["points"].append(row)
    for entry in series.values():
        entry["points"].sort(key=lambda row: row.report.sort_key)
    return list(series.values())
