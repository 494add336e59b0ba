"""Results of administrative procedures (TTHC) per commune and month, and each commune's
connection to the provincial public-service system.

Figures are stored as integers, one row per commune, year, month and field (lĩnh vực; an empty
field is the commune as a whole). Rates and the year to date are computed (``tthc.figures``),
never typed. Rows arrive three ways: typed in the admin, imported from a file
(``tthc.imports``), or pulled by ``manage.py sync_tthc`` (``tthc.adapters``); each keeps its
source.
"""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from communes.models import Commune
from mttq_portal.vietnamese import localtime_vn

from .figures import FIGURE_NAMES, RateBasis, field_key, figures_problems, period_problems


class _OwnMessagesMixin:
    """A non-negative integer whose refusals come from ``tthc.figures`` (one clear Vietnamese
    sentence naming the figure), not from Django's generic range validators. The database
    still refuses negatives (the CHECK of a positive integer field)."""

    @cached_property
    def validators(self):
        return [*self.default_validators, *self._validators]

    def formfield(self, **kwargs):
        return super().formfield(**{"min_value": None, **kwargs})


class CountField(_OwnMessagesMixin, models.PositiveIntegerField):
    pass


class PeriodField(_OwnMessagesMixin, models.PositiveSmallIntegerField):
    pass


class Source(models.TextChoices):
    MANUAL = "manual", "Nhập trong trang quản trị"
    FILE = "file", "Nhập từ tệp CSV/Excel"
    OPENCPS = "opencps", "Dịch vụ công tỉnh (OpenCPS)"
    JSON = "json", "Dịch vụ công tỉnh (JSON)"


class TthcResultQuerySet(models.QuerySet):
    def of_commune(self, commune):
        """Every figure of a commune is public once saved: there is no draft state."""
        return self.filter(commune=commune)


class TthcResult(models.Model):
    """One month of one commune, for the whole commune (empty field) or one field."""

    commune_lookup = "commune"

    commune = models.ForeignKey(
        Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="tthc_results"
    )
    year = PeriodField("năm")
    month = PeriodField("tháng", help_text="Từ 1 đến 12.")
    field_name = models.CharField(
        "lĩnh vực", max_length=200, blank=True,
        help_text="Ví dụ: Đất đai, Hộ tịch, Chứng thực. Để trống nếu là số liệu chung của cả đơn vị.",
    )
    field_code = models.CharField(
        "mã lĩnh vực", max_length=60, blank=True,
        help_text="Để trống: tự tạo từ tên lĩnh vực. Số liệu đồng bộ từ tỉnh dùng mã của tỉnh.",
    )
    carried_over_count = CountField("kỳ trước chuyển sang", default=0)
    received_count = CountField("tiếp nhận", default=0)
    resolved_count = CountField("đã giải quyết", default=0, help_text="Bằng trước hạn + đúng hạn + trễ hạn.")
    early_count = CountField("trước hạn", default=0)
    on_time_count = CountField("đúng hạn", default=0)
    late_count = CountField("trễ hạn", default=0)
    in_progress_count = CountField("đang giải quyết", default=0, help_text="Số hồ sơ chưa xong vào cuối tháng.")
    source = models.CharField("nguồn số liệu", max_length=20, choices=Source.choices, default=Source.MANUAL,
                              editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = TthcResultQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả giải quyết TTHC theo tháng"
        verbose_name_plural = "kết quả giải quyết TTHC theo tháng"
        ordering = ["-year", "-month", "field_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "month", "field_code"], name="tthc_one_result_per_month_and_field",
                violation_error_message="Đã có số liệu của tháng này cho lĩnh vực này; hãy sửa dòng đã có.",
            ),
        ]
        indexes = [models.Index(fields=["commune", "year", "month"], name="tthc_result_period")]

    def __str__(self):
        return f"{self.month}/{self.year} — {self.field_label}"

    @property
    def field_label(self):
        return self.field_name or "Toàn đơn vị"

    @property
    def period_label(self):
        return f"{self.month}/{self.year}"

    def clean(self):
        self.field_code, self.field_name = field_key(self.field_code, self.field_name)
        errors = period_problems(self.year, self.month, today=localtime_vn(timezone.now()).date())
        errors.update(figures_problems({name: getattr(self, name) for name in FIGURE_NAMES}))
        if not errors and self.commune_id:
            duplicate = TthcResult.objects.filter(
                commune_id=self.commune_id, year=self.year, month=self.month, field_code=self.field_code
            ).exclude(pk=self.pk)
            if duplicate.exists():
                errors["field_name"] = [
                    f"Đã có số liệu tháng {self.month}/{self.year} cho «{self.field_label}»; hãy sửa dòng đã có."
                ]
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() reports a duplicate month and field in a sentence that names them, also when the
        # admin leaves the commune out of the form; the unique constraint stays for the database.
        super().validate_constraints(exclude={*(exclude or ()), "field_code"})


def validate_http_url(value):
    URLValidator(schemes=["http", "https"], message="Địa chỉ phải bắt đầu bằng http:// hoặc https://.")(value)


class TthcConnection(models.Model):
    """How one commune computes its rates and reaches the provincial public-service system."""

    class Provider(models.TextChoices):
        OPENCPS = "opencps", "OpenCPS (API thống kê /o/rest/statistics)"
        JSON = "json", "Định dạng JSON của cổng (docs/tthc-json.md)"

    class Status(models.TextChoices):
        CONNECTED = "connected", "Đã kết nối với Dịch vụ công tỉnh"
        NOT_CONNECTED = "not_connected", "Chưa kết nối với Dịch vụ công tỉnh"
        ERROR = "error", "Lỗi kết nối"

    commune_lookup = "commune"

    commune = models.OneToOneField(
        Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="tthc_connection"
    )
    rate_basis = models.CharField(
        "cách tính tỉ lệ", max_length=20, choices=RateBasis.choices, default=RateBasis.RESOLVED,
        help_text="Theo hướng dẫn của tỉnh. Hộp «Kết quả giải quyết TTHC» ghi rõ công thức đã chọn.",
    )
    is_enabled = models.BooleanField(
        "bật kết nối", default=False, help_text="Khi bật, lệnh sync_tthc (chạy định kỳ) lấy số liệu từ tỉnh."
    )
    provider = models.CharField("hệ thống của tỉnh", max_length=20, choices=Provider.choices,
                                default=Provider.OPENCPS)
    base_url = models.CharField(
        "địa chỉ máy chủ", max_length=300, blank=True, validators=[validate_http_url],
        help_text="Ví dụ: https://dichvucong.haiphong.gov.vn (OpenCPS), hoặc địa chỉ đầy đủ của tệp JSON.",
    )
    group_id = models.CharField("groupId (OpenCPS)", max_length=40, blank=True,
                                help_text="Mã cổng (groupId) do tỉnh cấp; gửi trong tiêu đề yêu cầu.")
    agency_code = models.CharField("mã cơ quan", max_length=60, blank=True,
                                   help_text="Mã đơn vị trên hệ thống của tỉnh (govAgencyCode).")
    token = models.CharField("mã truy cập (token)", max_length=500, blank=True)
    timeout_seconds = models.PositiveSmallIntegerField(
        "thời gian chờ (giây)", default=10,
        validators=[MinValueValidator(1, "Thời gian chờ từ 1 đến 30 giây."),
                    MaxValueValidator(30, "Thời gian chờ từ 1 đến 30 giây.")],
        help_text="Cho mỗi lần kết nối và mỗi lần đọc; từ 1 đến 30 giây.",
    )
    retries = models.PositiveSmallIntegerField(
        "số lần thử lại", default=2,
        validators=[MaxValueValidator(5, "Số lần thử lại từ 0 đến 5.")],
        help_text="Khi máy chủ không trả lời, quá thời gian chờ hoặc báo lỗi 5xx; từ 0 đến 5.",
    )
    backoff_seconds = models.DecimalField(
        "chờ trước lần thử lại (giây)", max_digits=4, decimal_places=2, default=1,
        validators=[MinValueValidator(0, "Thời gian chờ thử lại từ 0 đến 10 giây."),
                    MaxValueValidator(10, "Thời gian chờ thử lại từ 0 đến 10 giây.")],
        help_text="Gấp đôi sau mỗi lần: 1, 2, 4… giây.",
    )
    last_success_at = models.DateTimeField("đồng bộ thành công lúc", null=True, blank=True, editable=False)
    last_error_at = models.DateTimeField("lỗi lần cuối lúc", null=True, blank=True, editable=False)
    last_error_message = models.TextField("nội dung lỗi lần cuối", blank=True, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "kết nối Dịch vụ công tỉnh"
        verbose_name_plural = "kết nối Dịch vụ công tỉnh"
        ordering = ["commune__name"]

    def __str__(self):
        return f"Kết nối TTHC — {self.commune}"

    def clean(self):
        if self.is_enabled and not (self.base_url or "").strip():
            raise ValidationError({"base_url": "Hãy nhập địa chỉ máy chủ trước khi bật kết nối."})

    @property
    def status(self):
        """Connected only when the last attempt succeeded; an error newer than the last
        success shows as an error (the last good figures stay on the page)."""
        if not self.is_enabled or (self.last_success_at is None and self.last_error_at is None):
            return self.Status.NOT_CONNECTED
        if self.last_error_at and (self.last_success_at is None or self.last_error_at >= self.last_success_at):
            return self.Status.ERROR
        return self.Status.CONNECTED

    @property
    def token_hint(self):
        """What the admin may show of the token: never the whole of it."""
        if not self.token:
            return ""
        if len(self.token) >= 16:
            return f"đã lưu (…{self.token[-4:]})"
        return "đã lưu"
