"""Public report pages: list by year, a report with its figures and charts, the original file."""
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from . import selectors
from .files import KINDS, report_download_name
from .models import ReportingBody


@require_safe
def report_list(request):
    body = None
    if request.GET.get("co-quan"):
        body = get_object_or_404(ReportingBody, commune=request.commune, slug=request.GET["co-quan"])
    reports = selectors.reports_published(request.commune, body=body)
    context = {
        "years": selectors.reports_by_year(reports),
        "bodies": selectors.bodies_with_reports(request.commune),
        "selected_body": body,
    }
    return render(request, "reports/list.html", context)


@require_safe
def report_detail(request, slug):
    report = selectors.report_for_reader(request.commune, slug)
    if report is None:
        raise Http404("Không có báo cáo này.")
    context = {"report": report, "series": selectors.figure_series(report)}
    return render(request, "reports/detail.html", context)


@require_safe
def report_file(request, slug):
    report = selectors.report_for_reader(request.commune, slug)
    if report is None or not report.original_file:
        raise Http404("Không có tệp này.")
    kind = {content_type: kind for kind, (content_type, _) in KINDS.items()}.get(report.original_content_type, "pdf")
    response = FileResponse(
        report.original_file.open("rb"), as_attachment=True, filename=report_download_name(report, kind),
        content_type=report.original_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
