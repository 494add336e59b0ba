"""Articles, their categories and tags, photos, comments and the editorial trail.

Visibility is written once: ``Article.objects.published(commune)`` is what a citizen may
see (published, publish time reached, this commune). A scheduled article needs no cron: it
is stored as published with a future ``published_at`` and appears when that time passes.
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from communes.models import Commune
from mttq_portal.models import EditorialContent, SlugFromName
from mttq_portal.slug_urls import slug_url


class Category(SlugFromName):
    """A chuyên mục, nestable one level ("Tin tức" › "Chính trị - Kinh tế")."""

    commune_lookup = "commune"
    slug_fallback = "chuyen-muc"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", verbose_name="chuyên mục cha", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("tên chuyên mục", max_length=120)
    slug = models.SlugField("đường dẫn", max_length=140, blank=True, help_text="Để trống để tự tạo từ tên.")
    description = models.TextField("mô tả", blank=True)
    position = models.PositiveIntegerField("thứ tự", default=0)
    show_in_nav = models.BooleanField("hiện trên thanh điều hướng", default=True)
    show_on_home = models.BooleanField("hiện trên trang chủ", default=True)

    class Meta:
        verbose_name = "chuyên mục"
        verbose_name_plural = "chuyên mục"
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "slug"], name="category_slug_unique_per_commune")]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def clean(self):
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": "Chuyên mục chỉ lồng được một cấp."})
            if self.parent.commune_id != self.commune_id:
                raise ValidationError({"parent": "Chuyên mục cha phải thuộc cùng đơn vị."})
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": "Chuyên mục không thể là cha của chính nó."})
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": "Chuyên mục này đã có chuyên mục con nên không thể lồng vào chuyên mục khác."}
                )

    def get_absolute_url(self):
        return slug_url("news:category", self.slug)


class Tag(SlugFromName):
    commune_lookup = "commune"
    slug_fallback = "the"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField("thẻ", max_length=80)
    slug = models.SlugField("đường dẫn", max_length=100, blank=True)

    class Meta:
        verbose_name = "thẻ"
        verbose_name_plural = "thẻ"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["commune", "slug"], name="tag_slug_unique_per_commune")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("news:tag", self.slug)


# The article fields list pages show (cards), for ``.only()``.
LISTING_FIELDS = ("id", "commune_id", "category_id", "title", "slug", "sapo", "published_at", "cover", "cover_alt",
                  "renditions")


class ArticleQuerySet(models.QuerySet):
    def published(self, commune, *, now=None):
        """What a citizen may see: published, its time reached, of this commune.

        news.selectors.search_sql_postgresql repeats these conditions (the commune's as an index word).
        """
        return self.filter(
            commune=commune, status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )

    def for_listing(self):
        """Only what list pages show, with the category in the same query."""
        return self.select_related("category").only(*LISTING_FIELDS, "category__id", "category__name", "category__slug")


class Article(EditorialContent):
    commune_lookup = "commune"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="articles")
    category = models.ForeignKey(
        Category, verbose_name="chuyên mục", on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField("tiêu đề", max_length=300)
    slug = models.SlugField(
        "đường dẫn", max_length=200, blank=True,
        help_text="Tự tạo từ tiêu đề; không đổi sau khi bài đã đăng.",
    )
    sapo = models.TextField("sapo (đoạn dẫn)", max_length=1000)
    body = models.TextField("nội dung", help_text="Nội dung được làm sạch trên máy chủ khi lưu.")
    body_html = models.TextField("nội dung hiển thị", blank=True, editable=False)
    body_text = models.TextField("nội dung thuần", blank=True, editable=False)
    search_text = models.TextField("văn bản tìm kiếm", blank=True, editable=False)
    cover = models.ImageField("ảnh đại diện", upload_to="articles/%Y/%m/", blank=True)
    cover_alt = models.CharField(
        "mô tả ảnh đại diện", max_length=250, blank=True,
        help_text="Bắt buộc khi có ảnh: tả nội dung ảnh (ví dụ «Đại biểu dự hội nghị sơ kết»), "
        "không ghi «ảnh tin bài».",
    )
    cover_caption = models.CharField("chú thích ảnh đại diện", max_length=300, blank=True)
    renditions = models.JSONField("các cỡ ảnh", default=dict, blank=True, editable=False)
    author_byline = models.CharField("tác giả", max_length=150, blank=True, help_text="Ví dụ: Thanh Mai")
    source = models.CharField("nguồn", max_length=250, blank=True, help_text="Ví dụ: Theo báo cáo của MTTQ thị trấn")
    tags = models.ManyToManyField(Tag, verbose_name="thẻ", blank=True, related_name="articles")
    is_featured = models.BooleanField("tin nổi bật", default=False)
    related_report = models.ForeignKey(
        "reports.ReportSummary", verbose_name="báo cáo liên quan", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="articles", help_text="Báo cáo đã đăng của cùng hội nghị, nếu bài viết về hội nghị đó.",
    )
    published_at = models.DateTimeField(
        "thời điểm đăng", null=True, blank=True,
        help_text="Để trống để đăng ngay; chọn thời điểm trong tương lai để hẹn giờ.",
    )
    view_count = models.PositiveBigIntegerField("lượt xem", default=0, editable=False)
    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["commune", "slug"], name="article_slug_unique_per_commune")]
        indexes = [
            models.Index(fields=["commune", "status", "-published_at", "-id"], name="article_public_list"),
            # The home page's featured article: a few rows, found without walking the archive.
            models.Index(fields=["commune", "status", "-published_at", "-id"], name="article_featured_list",
                         condition=models.Q(is_featured=True)),
            # Category pages: every column they filter and sort on, so the ids of page 500 come from
            # an index-only scan (news.selectors.list_page); commune_id first as in published().
            models.Index(
                fields=["commune", "category", "status", "-published_at", "-id"], name="article_category_public"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("news:article", self.slug)

    @property
    def is_visible(self):
        return self.status == self.Status.PUBLISHED and self.published_at and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at and self.published_at > timezone.now()

    def clean(self):
        errors = {}
        if self.category_id and self.commune_id and self.category.commune_id != self.commune_id:
            errors["category"] = "Chuyên mục phải thuộc cùng đơn vị với bài viết."
        if self.cover and not (self.cover_alt or "").strip():
            errors["cover_alt"] = "Hãy nhập mô tả cho ảnh đại diện (dành cho người khiếm thị)."
        if self.related_report_id and self.related_report.commune_id != self.commune_id:
            errors["related_report"] = "Báo cáo liên quan phải thuộc cùng đơn vị."
        if (self.cover_alt or "").strip().lower() in {"anh tin bai", "ảnh tin bài", "anh", "ảnh", "image"}:
            errors["cover_alt"] = "Mô tả ảnh cần nói ảnh chụp gì, không ghi chung chung «ảnh tin bài»."
        if errors:
            raise ValidationError(errors)


class GalleryImage(models.Model):
    """A photo of an article's gallery, with its caption and alt text."""

    commune_lookup = "article__commune"

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="gallery")
    image = models.ImageField("ảnh", upload_to="gallery/%Y/%m/")
    alt = models.CharField("mô tả ảnh", max_length=250)
    caption = models.CharField("chú thích", max_length=300, blank=True)
    position = models.PositiveIntegerField("thứ tự", default=0)
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = "ảnh trong bộ ảnh"
        verbose_name_plural = "bộ ảnh"
        ordering = ["position", "id"]

    def __str__(self):
        return self.caption or self.alt


class BodyImage(models.Model):
    """A photo uploaded from the editor into an article body (CKEditor's image upload)."""

    commune_lookup = "commune"

    commune = models.ForeignKey(Commune, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="+")
    image = models.ImageField("ảnh", upload_to="body/%Y/%m/")
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="người tải lên"
    )
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "ảnh trong nội dung"
        verbose_name_plural = "ảnh trong nội dung"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.image.name


class ArticleEvent(models.Model):
    """Who did what to an article, and when: the editorial trail."""

    class Action(models.TextChoices):
        CREATED = "created", "Tạo bài"
        EDITED = "edited", "Sửa bài"
        SUBMITTED = "submitted", "Gửi duyệt"
        RETURNED = "returned", "Trả lại để sửa"
        PUBLISHED = "published", "Đăng bài"
        SCHEDULED = "scheduled", "Hẹn giờ đăng"
        WITHDRAWN = "withdrawn", "Gỡ bài"
        RESTORED = "restored", "Khôi phục phiên bản"

    commune_lookup = "article__commune"

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="events")
    action = models.CharField("việc", max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người làm", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("lúc", default=timezone.now)
    note = models.CharField("ghi chú", max_length=300, blank=True)

    class Meta:
        verbose_name = "nhật ký bài viết"
        verbose_name_plural = "nhật ký bài viết"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.article}"


class ArticleRevision(models.Model):
    """A snapshot taken at every save, for comparing and restoring."""

    commune_lookup = "article__commune"

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("số phiên bản")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người lưu", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField("lưu lúc", default=timezone.now)
    title = models.CharField("tiêu đề", max_length=300)
    sapo = models.TextField("sapo")
    body = models.TextField("nội dung")
    data = models.JSONField("các trường khác", default=dict)

    class Meta:
        verbose_name = "phiên bản bài viết"
        verbose_name_plural = "phiên bản bài viết"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")]

    def __str__(self):
        return f"{self.article} — phiên bản {self.number}"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)


class Comment(models.Model):
    """A reader's comment. It shows only after the commune's staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ duyệt"
        APPROVED = "approved", "Đã duyệt"
        REJECTED = "rejected", "Từ chối"

    commune_lookup = "article__commune"

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="comments")
    name = models.CharField("họ tên", max_length=100)
    email = models.EmailField("thư điện tử", blank=True)
    body = models.TextField("ý kiến", max_length=3000)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.PENDING)
    consent_given_at = models.DateTimeField("đồng ý xử lý dữ liệu lúc")
    consent_text = models.CharField("nội dung đồng ý", max_length=500)
    address_hash = models.CharField("mã địa chỉ truy cập", max_length=64, blank=True, editable=False)
    submission_id = models.UUIDField("mã lần gửi", default=uuid.uuid4, editable=False)
    personal_data_erased_at = models.DateTimeField("đã xóa dữ liệu cá nhân lúc", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người duyệt", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    moderated_at = models.DateTimeField("duyệt lúc", null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "bình luận"
        verbose_name_plural = "bình luận"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "status", "created_at"], name="comment_article_status")]
        constraints = [
            models.UniqueConstraint(fields=["article", "submission_id"], name="comment_submission_once_per_article")
        ]

    def __str__(self):
        return f"{self.name}: {self.body[:60]}"


class ArticleDailyView(models.Model):
    """Page views of an article per GMT+7 day; "most read" sums the last 30 days."""

    commune_lookup = "article__commune"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "lượt xem theo ngày"
        verbose_name_plural = "lượt xem theo ngày"
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="article_day_unique")]
        indexes = [models.Index(fields=["day", "article"], name="article_daily_view_day")]

