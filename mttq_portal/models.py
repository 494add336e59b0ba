"""What articles and report summaries share: the editorial status, the version used to refuse
stale edits, and who created and last changed them."""
from django.conf import settings
from django.db import models


class EditorialContent(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PENDING = "pending", "Chờ duyệt"
        PUBLISHED = "published", "Đã đăng"
        WITHDRAWN = "withdrawn", "Đã gỡ"

    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tạo", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người sửa cuối", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        abstract = True


class SlugFromName(models.Model):
    """Fill an empty ``slug`` from ``name`` on save, keeping every Vietnamese letter."""

    slug_fallback = "muc"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from mttq_portal.vietnamese import slugify_vi

        if not self.slug:
            self.slug = slugify_vi(self.name, max_length=self._meta.get_field("slug").max_length) or self.slug_fallback
        super().save(*args, **kwargs)
