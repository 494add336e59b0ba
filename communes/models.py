"""Communes, the host names they answer, and the people who work on each.

One deployment serves many communes. A request's Host header picks the commune
(``CommuneHost``); every content model of the other apps has a ``commune`` foreign key and a
``commune_lookup`` class attribute naming the path to it, which the admin uses to show a
person only the objects of their own communes.
"""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .validators import validate_image_upload


class CommuneQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Commune(models.Model):
    class Kind(models.TextChoices):
        XA = "xa", "Xã"
        PHUONG = "phuong", "Phường"
        THI_TRAN = "thi_tran", "Thị trấn"
        DAC_KHU = "dac_khu", "Đặc khu"

    commune_lookup = "pk"

    code = models.SlugField(
        "mã", max_length=60, unique=True,
        help_text="Mã ngắn, không dấu, dùng trong dòng lệnh (ví dụ: thanhmien).",
    )
    name = models.CharField("tên đầy đủ", max_length=150, help_text="Ví dụ: Thị trấn Thanh Miện")
    kind = models.CharField("loại", max_length=20, choices=Kind.choices, default=Kind.XA)
    province = models.CharField("tỉnh, thành phố", max_length=100)
    former_district = models.CharField(
        "huyện (cũ)", max_length=100, blank=True,
        help_text="Huyện trước khi sắp xếp đơn vị hành chính năm 2025, nếu muốn hiển thị.",
    )
    title_line = models.CharField(
        "dòng tiêu đề trang", max_length=200,
        help_text="Ví dụ: TRANG THÔNG TIN ĐIỆN TỬ THỊ TRẤN THANH MIỆN",
    )
    editorial_head_name = models.CharField("Trưởng Ban Biên tập", max_length=120, blank=True)
    editorial_head_title = models.CharField(
        "chức vụ Trưởng Ban Biên tập", max_length=150, blank=True,
        help_text="Ví dụ: Phó Chủ tịch UBND thị trấn",
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=40, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    tthc_feedback_address = models.CharField(
        "địa chỉ tiếp nhận phản ánh, kiến nghị về TTHC", max_length=255, blank=True
    )
    tthc_feedback_phone = models.CharField("điện thoại tiếp nhận phản ánh TTHC", max_length=40, blank=True)
    tthc_feedback_email = models.EmailField("thư điện tử tiếp nhận phản ánh TTHC", blank=True)
    banner = models.ImageField(
        "ảnh băng rôn", upload_to="banners/", blank=True, validators=[validate_image_upload],
        help_text="Ảnh JPEG/PNG/WebP, rộng khoảng 1200 điểm ảnh. Để trống sẽ dùng băng rôn chữ.",
    )
    banner_alt = models.CharField(
        "mô tả ảnh băng rôn", max_length=200, blank=True,
        help_text="Bắt buộc khi có ảnh băng rôn: mô tả nội dung ảnh cho người khiếm thị.",
    )
    show_online = models.BooleanField("hiện «Đang truy cập»", default=True)
    show_today = models.BooleanField("hiện «Hôm nay»", default=True)
    show_yesterday = models.BooleanField("hiện «Hôm qua»", default=True)
    show_this_week = models.BooleanField("hiện «Tuần này»", default=True)
    show_this_month = models.BooleanField("hiện «Tháng này»", default=True)
    show_total = models.BooleanField("hiện «Tất cả»", default=True)
    opening_visit_total = models.PositiveBigIntegerField(
        "số lượt truy cập chuyển từ cổng cũ", default=0,
        help_text="Cộng vào «Tất cả». Ví dụ: 2812546.",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name="đã sáp nhập vào", null=True, blank=True,
        on_delete=models.PROTECT, related_name="absorbed",
        help_text="Khi đơn vị đã sáp nhập, mọi tên miền của đơn vị này chuyển hướng (301) "
        "sang trang của đơn vị mới, giữ nguyên đường dẫn.",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "xã, phường, thị trấn"
        verbose_name_plural = "xã, phường, thị trấn"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.banner and not self.banner_alt.strip():
            raise ValidationError({"banner_alt": "Hãy nhập mô tả cho ảnh băng rôn."})
        target, seen = self.merged_into, {self.pk}
        while target is not None:
            if target.pk in seen:
                raise ValidationError({"merged_into": "Không thể sáp nhập vòng tròn."})
            seen.add(target.pk)
            target = target.merged_into

    @property
    def counter_rows(self):
        """The counter rows this commune chose to show, in display order."""
        rows = [
            ("online", "Đang truy cập", self.show_online),
            ("today", "Hôm nay", self.show_today),
            ("yesterday", "Hôm qua", self.show_yesterday),
            ("this_week", "Tuần này", self.show_this_week),
            ("this_month", "Tháng này", self.show_this_month),
            ("total", "Tất cả", self.show_total),
        ]
        return [(key, label) for key, label, shown in rows if shown]

    def primary_host(self):
        host = self.hosts.filter(is_primary=True).first() or self.hosts.order_by("pk").first()
        return host.hostname if host else None


HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


def validate_hostname(value):
    if not HOSTNAME_RE.match(value or ""):
        raise ValidationError(
            "Tên miền «%(value)s» không hợp lệ: chỉ gồm chữ thường không dấu, số, dấu gạch "
            "ngang và dấu chấm, không kèm http:// hay cổng.",
            params={"value": value},
        )


class CommuneHost(models.Model):
    """A host name a commune answers on (``thanhmien.haiduong.gov.vn``, ``thanhmien.localhost``)."""

    commune_lookup = "commune"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="hosts")
    hostname = models.CharField(
        "tên miền", max_length=253, unique=True, validators=[validate_hostname],
        help_text="Không kèm http:// và cổng. Ví dụ: thanhmien.haiduong.gov.vn",
    )
    is_primary = models.BooleanField(
        "tên miền chính", default=False,
        help_text="Dùng khi tạo đường dẫn tuyệt đối và khi chuyển hướng từ đơn vị đã sáp nhập.",
    )

    class Meta:
        verbose_name = "tên miền"
        verbose_name_plural = "tên miền"
        ordering = ["hostname"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune"], condition=Q(is_primary=True), name="one_primary_host_per_commune"
            )
        ]

    def __str__(self):
        return self.hostname

    def save(self, *args, **kwargs):
        self.hostname = (self.hostname or "").strip().lower().rstrip(".")
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person's role on one commune's portal. A person may work on several communes."""

    class Role(models.TextChoices):
        EDITOR = "editor", "Biên tập viên"
        BOARD_HEAD = "board_head", "Trưởng Ban Biên tập"
        SITE_ADMIN = "site_admin", "Quản trị trang"

    commune_lookup = "commune"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="memberships"
    )
    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thành viên"
        verbose_name_plural = "thành viên"
        ordering = ["commune__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "commune"], name="one_role_per_user_and_commune")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.commune}"
