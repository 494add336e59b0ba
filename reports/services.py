"""Writes to report summaries: the same editorial rules as articles."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mttq_portal.vietnamese import format_datetime_vn, slugify_vi
from news.sanitize import html_sanitize
from news.services import can_publish, can_write

from .files import report_file_validate
from .models import ReportFigure, ReportRevision, ReportSummary

SECTIONS = ("achievements", "shortcomings", "directions")


class StaleReportEdit(Exception):
    def __init__(self, current):
        self.current = current
        user = current.updated_by
        who = (user.get_full_name() or user.username) if user else "người khác"
        super().__init__(
            f"Báo cáo đã được {who} lưu lúc {format_datetime_vn(current.updated_at)} trong khi bạn đang sửa "
            f"(phiên bản {current.version}). Nội dung bạn vừa nhập vẫn còn trong biểu mẫu; hãy xem bản mới rồi lưu lại."
        )


class DuplicateReport(ValidationError):
    pass


def report_prepare(report):
    for field in SECTIONS:
        setattr(report, field, html_sanitize(getattr(report, field) or ""))
    if not report.slug:
        title = report.title if str(report.year) in report.title else f"{report.title} {report.year}"
        base = slugify_vi(title, max_length=180) or "bao-cao"
        slug, n = base, 2
        while ReportSummary.objects.filter(commune_id=report.commune_id, slug=slug).exclude(pk=report.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        report.slug = slug


def report_attach_file(report, upload):
    info = report_file_validate(upload)
    report.original_filename = upload.name[:255]
    report.original_content_type = info.content_type
    report.original_size = info.size
    report.original_file = upload


@transaction.atomic
def report_save(*, report, by, expected_version=None):
    if report.pk is None:
        if not can_write(by, report.commune):
            raise PermissionDenied("Bạn không có quyền soạn báo cáo cho đơn vị này.")
        report.created_by = by
    else:
        current = ReportSummary.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=report.pk)
        if current.status == ReportSummary.Status.PUBLISHED and not can_publish(by, current.commune):
            raise PermissionDenied("Báo cáo đã đăng chỉ Trưởng Ban Biên tập được sửa.")
        if not can_write(by, current.commune):
            raise PermissionDenied("Bạn không có quyền sửa báo cáo này.")
        if expected_version is not None and int(expected_version) != current.version:
            raise StaleReportEdit(current)
        report.version = current.version + 1
        report.status = current.status
        report.published_at = current.published_at
    report.updated_by = by
    report_prepare(report)
    report.full_clean(exclude=["original_file"], validate_constraints=False)
    report.save()
    return report


def _duplicate_of(report):
    return (
        ReportSummary.objects.filter(
            commune_id=report.commune_id, body_id=report.body_id, year=report.year, period=report.period,
            status=ReportSummary.Status.PUBLISHED,
        ).exclude(pk=report.pk).first()
    )


@transaction.atomic
def report_submit(*, report, by):
    current = ReportSummary.objects.select_for_update().get(pk=report.pk)
    if not can_write(by, current.commune):
        raise PermissionDenied("Bạn không có quyền gửi duyệt báo cáo này.")
    if current.status not in (ReportSummary.Status.DRAFT, ReportSummary.Status.WITHDRAWN):
        raise ValidationError("Chỉ gửi duyệt được báo cáo đang là bản nháp hoặc đã gỡ.")
    current.status = ReportSummary.Status.PENDING
    current.save(update_fields=["status", "updated_at"])
    return current


def report_publish(*, report, by, replace=False):
    """Publish; a second report for the same body, period and year is refused with a clear
    message unless ``replace`` is chosen, which withdraws the published one in the same
    transaction. The database's partial unique index settles two publishers racing."""
    try:
        with transaction.atomic():
            current = ReportSummary.objects.select_for_update().select_related("body").get(pk=report.pk)
            if not can_publish(by, current.commune):
                raise PermissionDenied("Chỉ Trưởng Ban Biên tập được đăng báo cáo.")
            existing = _duplicate_of(current)
            if existing is not None:
                if not replace:
                    raise DuplicateReport(_duplicate_message(current, existing))
                existing.status = ReportSummary.Status.WITHDRAWN
                existing.save(update_fields=["status", "updated_at"])
            current.status = ReportSummary.Status.PUBLISHED
            current.published_at = current.published_at or timezone.now()
            current.save(update_fields=["status", "published_at", "updated_at"])
            return current
    except IntegrityError as error:
        current = ReportSummary.objects.select_related("body").get(pk=report.pk)
        existing = _duplicate_of(current)
        raise DuplicateReport(_duplicate_message(current, existing)) from error


def _duplicate_message(report, existing):
    title = f"«{existing.title}»" if existing else "khác"
    return (
        f"Đã có báo cáo {title} của {report.body.name} cho kỳ {report.period_label} đang được đăng. "
        "Mỗi cơ quan chỉ có một báo cáo được đăng cho mỗi kỳ: hãy gỡ báo cáo cũ, hoặc chọn «Thay thế báo cáo đã đăng»."
    )


@transaction.atomic
def report_withdraw(*, report, by):
    current = ReportSummary.objects.select_for_update().get(pk=report.pk)
    if not can_publish(by, current.commune):
        raise PermissionDenied("Chỉ Trưởng Ban Biên tập được gỡ báo cáo.")
    if current.status != ReportSummary.Status.PUBLISHED:
        raise ValidationError("Chỉ gỡ được báo cáo đã đăng.")
    current.status = ReportSummary.Status.WITHDRAWN
    current.save(update_fields=["status", "updated_at"])
    return current


SNAPSHOT_FIELDS = ("title", "conference", "signatory", *SECTIONS)


def report_snapshot(report, by):
    """Keep this save as a revision: the text fields and the key figures (values as strings)."""
    number = (report.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    data = {field: getattr(report, field) for field in SNAPSHOT_FIELDS}
    data["conference_date"] = report.conference_date.isoformat() if report.conference_date else None
    data["figures"] = [
        {"definition_id": f.definition_id, "value": str(f.value), "target": None if f.target is None else str(f.target),
         "note": f.note}
        for f in report.figures.all()
    ]
    return ReportRevision.objects.create(report=report, number=number, saved_by=by, data=data)


@transaction.atomic
def report_revision_restore(*, report, revision, by):
    """Bring back an older revision's text and figures as a new version (nothing is lost)."""
    from datetime import date
    from decimal import Decimal

    current = ReportSummary.objects.select_for_update().get(pk=report.pk)
    if revision.report_id != current.pk:
        raise PermissionDenied("Phiên bản không thuộc báo cáo này.")
    if current.status == ReportSummary.Status.PUBLISHED and not can_publish(by, current.commune):
        raise PermissionDenied("Báo cáo đã đăng chỉ Trưởng Ban Biên tập được sửa.")
    if not can_write(by, current.commune):
        raise PermissionDenied("Bạn không có quyền sửa báo cáo này.")
    data = revision.data
    for field in SNAPSHOT_FIELDS:
        setattr(current, field, data.get(field) or "")
    current.conference_date = date.fromisoformat(data["conference_date"]) if data.get("conference_date") else None
    current.version += 1
    current.updated_by = by
    report_prepare(current)
    current.save()
    allowed = set(current.commune.figure_definitions.values_list("pk", flat=True))
    current.figures.all().delete()
    ReportFigure.objects.bulk_create([
        ReportFigure(report=current, definition_id=f["definition_id"], value=Decimal(f["value"]),
                     target=None if f["target"] is None else Decimal(f["target"]), note=f.get("note", ""))
        for f in data.get("figures", []) if f["definition_id"] in allowed
    ])
    report_snapshot(current, by)
    return current
