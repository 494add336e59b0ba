"""Report summaries (báo cáo sơ kết, tổng kết) of a commune's Front committee and its member
organisations, with key figures that line up across periods for charts."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from communes.models import Commune
from mttq_portal.models import EditorialContent, SlugFromName
from mttq_portal.slug_urls import slug_url


class ReportingBody(SlugFromName):
    """UBMTTQ of the commune, or a member organisation (Hội Nông dân, Hội LHPN…)."""

    commune_lookup = "commune"
    slug_fallback = "to-chuc"

    commune = models.ForeignKey(
        Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="reporting_bodies"
    )
    name = models.CharField("tên cơ quan, tổ chức", max_length=150, help_text="Ví dụ: Hội Nông dân")
    slug = models.SlugField("mã", max_length=80, blank=True)
    position = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "cơ quan báo cáo"
        verbose_name_plural = "cơ quan báo cáo"
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "slug"], name="reporting_body_slug_unique")]

    def __str__(self):
        return self.name


class FigureDefinition(models.Model):
    """A key figure of the commune's catalogue, so the same figure lines up across periods."""

    commune_lookup = "commune"

    commune = models.ForeignKey(
        Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="figure_definitions"
    )
    name = models.CharField("chỉ tiêu", max_length=200, help_text="Ví dụ: Quỹ Vì người nghèo")
    unit = models.CharField("đơn vị tính", max_length=40, help_text="Ví dụ: triệu đồng, căn, %, hộ")
    position = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "danh mục chỉ tiêu"
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="figure_name_unique_per_commune")]

    def __str__(self):
        return f"{self.name} ({self.unit})"


def private_storage():
    """Original report files live apart from public media: drafts and withdrawn reports must not be
    reachable at a guessable public address; the download view checks and serves them.

    ``STORAGES["private"]``: PRIVATE_MEDIA_ROOT on local disk, or a private bucket or prefix on
    object storage (mttq_portal.storage_settings). Resolved on use, so the settings decide, not
    the moment this module was imported.
    """
    from mttq_portal.storage_settings import private_storage as storage

    return storage


def report_file_path(instance, filename):
    """A random name (never the uploader's): reports/<year>/<hex>.<ext>."""
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    extension = extension if extension in {"pdf", "docx", "xlsx"} else "bin"
    return f"reports/{timezone.now():%Y}/{uuid.uuid4().hex}.{extension}"


class Period(models.TextChoices):
    Q1 = "q1", "Quý I"
    H1 = "h1", "6 tháng đầu năm"
    Q2 = "q2", "Quý II"
    M9 = "m9", "9 tháng"
    Q3 = "q3", "Quý III"
    Q4 = "q4", "Quý IV"
    YEAR = "year", "Cả năm"


# Chronological order of periods within a year: by the month they end, then the longer first
# is not meaningful; a stable, documented order is what the charts need.
PERIOD_ORDER = {
    Period.Q1: (3, 0), Period.H1: (6, 1), Period.Q2: (6, 0), Period.M9: (9, 1), Period.Q3: (9, 0),
    Period.Q4: (12, 0), Period.YEAR: (12, 1),
}


class ReportQuerySet(models.QuerySet):
    def published(self, commune, *, now=None):
        return self.filter(
            commune=commune, status=ReportSummary.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )


class ReportSummary(EditorialContent):
    commune_lookup = "commune"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="reports")
    body = models.ForeignKey(
        ReportingBody, verbose_name="cơ quan báo cáo", on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField("năm")
    period = models.CharField("kỳ báo cáo", max_length=10, choices=Period.choices)
    title = models.CharField("tiêu đề", max_length=300)
    slug = models.SlugField("đường dẫn", max_length=200, blank=True)
    conference = models.CharField(
        "hội nghị thông qua", max_length=200, blank=True, help_text="Ví dụ: Hội nghị lần thứ VI"
    )
    conference_date = models.DateField("ngày hội nghị", null=True, blank=True)
    achievements = models.TextField("kết quả nổi bật", blank=True)
    shortcomings = models.TextField("tồn tại, hạn chế", blank=True)
    directions = models.TextField("phương hướng, nhiệm vụ", blank=True)
    signatory = models.CharField("người ký", max_length=150, blank=True)
    original_file = models.FileField(
        "tệp báo cáo gốc", upload_to=report_file_path, storage=private_storage, blank=True, max_length=200
    )
    original_filename = models.CharField("tên tệp gốc", max_length=255, blank=True, editable=False)
    original_content_type = models.CharField("loại tệp", max_length=100, blank=True, editable=False)
    original_size = models.PositiveIntegerField("dung lượng", default=0, editable=False)
    published_at = models.DateTimeField("đăng lúc", null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "báo cáo sơ kết, tổng kết"
        verbose_name_plural = "báo cáo sơ kết, tổng kết"
        ordering = ["-year", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "body", "year", "period"], condition=Q(status="published"),
                name="one_published_report_per_body_period",
                violation_error_message="Đã có một báo cáo được đăng cho cơ quan, kỳ và năm này.",
            ),
            models.UniqueConstraint(fields=["commune", "slug"], name="report_slug_unique_per_commune"),
        ]
        indexes = [models.Index(fields=["commune", "status", "-year"], name="report_public_list")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("reports:detail", self.slug)

    @property
    def period_label(self):
        return f"{self.get_period_display()} {self.year}"

    @property
    def sort_key(self):
        month, weight = PERIOD_ORDER[self.period]
        return (self.year, month, weight)

    def clean(self):
        if self.body_id and self.commune_id and self.body.commune_id != self.commune_id:
            raise ValidationError({"body": "Cơ quan báo cáo phải thuộc cùng đơn vị."})
        if self.year and not (2000 <= self.year <= timezone.now().year + 1):
            raise ValidationError({"year": "Năm báo cáo không hợp lệ."})


class ReportFigure(models.Model):
    commune_lookup = "report__commune"

    report = models.ForeignKey(ReportSummary, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="figures")
    definition = models.ForeignKey(
        FigureDefinition, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField("giá trị", max_digits=18, decimal_places=4)
    target = models.DecimalField("chỉ tiêu kế hoạch", max_digits=18, decimal_places=4, null=True, blank=True)
    note = models.CharField("ghi chú", max_length=200, blank=True)

    class Meta:
        verbose_name = "số liệu chủ yếu"
        verbose_name_plural = "số liệu chủ yếu"
        ordering = ["definition__position", "definition__name"]
        constraints = [models.UniqueConstraint(fields=["report", "definition"], name="one_value_per_figure")]

    def __str__(self):
        return f"{self.definition.name}: {self.value}"

    def clean(self):
        if self.definition_id and self.report_id and self.definition.commune_id != self.report.commune_id:
            raise ValidationError({"definition": "Chỉ tiêu phải thuộc danh mục của cùng đơn vị."})


class ReportRevision(models.Model):
    """A snapshot of a report summary at every save (text and key figures), to compare and restore."""

    commune_lookup = "report__commune"

    report = models.ForeignKey(
        ReportSummary, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField("số phiên bản")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người lưu", null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField("lưu lúc", default=timezone.now)
    data = models.JSONField("nội dung")

    class Meta:
        verbose_name = "phiên bản báo cáo"
        verbose_name_plural = "phiên bản báo cáo"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_revision_number_unique")]

    def __str__(self):
        return f"{self.report} — phiên bản {self.number}"
