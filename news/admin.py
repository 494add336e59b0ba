"""The editors' side: articles with their workflow, revisions and photos; categories; comments."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_ckeditor_5.widgets import CKEditor5Widget

from communes.admin_scoping import CommuneScopedAdmin
from mttq_portal.revision_admin import RevisionAdminMixin, paragraphs
from mttq_portal.vietnamese import format_datetime_vn

from . import services
from .images import ImageRejected, image_process
from .models import Article, ArticleEvent, Category, Comment, GalleryImage, Tag
from .sanitize import html_sanitize

ACTIONS = {
    "_submit_review": "submit",
    "_publish": "publish",
    "_withdraw": "withdraw",
    "_return_draft": "return",
}


@admin.register(Category)
class CategoryAdmin(CommuneScopedAdmin):
    list_display = ["__str__", "commune", "position", "show_in_nav", "show_on_home"]
    list_editable = ["position", "show_in_nav", "show_on_home"]
    list_filter = ["commune"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    fields = ["commune", "parent", "name", "slug", "description", "position", "show_in_nav", "show_on_home"]


@admin.register(Tag)
class TagAdmin(CommuneScopedAdmin):
    list_display = ["name", "commune", "slug"]
    list_filter = ["commune"]
    search_fields = ["name"]
    fields = ["commune", "name", "slug"]


class GalleryImageForm(forms.ModelForm):
    class Meta:
        model = GalleryImage
        fields = ["image", "alt", "caption", "position"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                image_process(upload, stem="kiem-tra")
            except ImageRejected as error:
                raise ValidationError(error.message) from error
            upload.seek(0)
            self.new_upload = upload
        return upload


class GalleryImageInline(admin.TabularInline):
    model = GalleryImage
    form = GalleryImageForm
    extra = 0
    fields = ["image", "alt", "caption", "position"]


class ArticleEventInline(admin.TabularInline):
    model = ArticleEvent
    extra = 0
    can_delete = False
    fields = ["at_display", "action", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = "Nhật ký biên tập (ai làm gì, lúc nào)"

    @admin.display(description="lúc")
    def at_display(self, obj):
        return format_datetime_vn(obj.at)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArticleAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "commune", "category", "title", "slug", "sapo", "body", "cover", "cover_alt", "cover_caption",
            "author_byline", "source", "tags", "is_featured", "related_report", "published_at",
        ]
        widgets = {
            "body": CKEditor5Widget(config_name="article"),
            "sapo": forms.Textarea(attrs={"rows": 3}),
        }

    request = None  # set by ArticleAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        self.fields["body"].required = True

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        if services.images_without_alt(html_sanitize(body)):
            raise ValidationError(
                "Ảnh trong nội dung cần có mô tả: bấm vào ảnh, chọn nút «Đổi chữ alt của ảnh» và tả ảnh chụp gì."
            )
        return body

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        self.new_cover = None
        if upload and hasattr(upload, "content_type"):
            try:
                image_process(upload, stem="kiem-tra")
            except ImageRejected as error:
                raise ValidationError(error.message) from error
            upload.seek(0)
            self.new_cover = upload
        return upload

    def clean(self):
        data = super().clean()
        request = self.request
        action = next((value for key, value in ACTIONS.items() if request is not None and key in request.POST), None)
        self.requested_action = action
        commune = data.get("commune") or getattr(self.instance, "commune", None)
        if self.instance.pk:
            # Inside the admin's transaction: the row stays locked until this save commits, so two
            # people saving at once are serialised and the second is told (not overwritten).
            locked = Article.objects.select_for_update(of=("self",)).select_related("updated_by")
            current = locked.get(pk=self.instance.pk)
            expected = data.get("expected_version")
            if expected is not None and expected != current.version:
                raise ValidationError(str(services.StaleEdit(current)), code="stale")
            if request is not None and not services.can_edit_article(request.user, current):
                raise ValidationError("Bài đã đăng chỉ Trưởng Ban Biên tập được sửa. Hãy đề nghị gỡ bài trước.")
        if action in ("publish", "withdraw", "return") and request is not None and commune is not None:
            if not services.can_publish(request.user, commune):
                raise ValidationError("Chỉ Trưởng Ban Biên tập được đăng, hẹn giờ, gỡ hoặc trả bài.")
        return data


@admin.register(Article)
class ArticleAdmin(RevisionAdminMixin, CommuneScopedAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/news/article/change_form.html"
    list_display = ["title", "category", "status_badge", "published_display", "updated_by", "view_count"]
    list_filter = ["status", "category", "is_featured", "commune"]
    search_fields = ["title", "sapo"]
    autocomplete_fields = ["category", "tags", "related_report"]
    date_hierarchy = "published_at"
    inlines = [GalleryImageInline, ArticleEventInline]
    list_select_related = ["category", "updated_by", "category__parent"]
    fieldsets = [
        (None, {"fields": ["commune", "category", "title", "slug", "sapo", "body"]}),
        ("Ảnh đại diện", {"fields": ["cover", "cover_alt", "cover_caption"]}),
        ("Thông tin khác", {"fields": ["author_byline", "source", "tags", "is_featured", "related_report",
                                       "published_at", "expected_version"]}),
    ]

    def view_on_site(self, obj):
        """Django's "Xem trên trang web" only for what citizens can actually open."""
        return obj.get_absolute_url() if obj.is_visible else None

    @admin.display(description="trạng thái", ordering="status")
    def status_badge(self, obj):
        label = "Hẹn giờ" if obj.is_scheduled else obj.get_status_display()
        return format_html('<span class="status status--{}">{}</span>', obj.status, label)

    @admin.display(description="đăng lúc", ordering="published_at")
    def published_display(self, obj):
        return format_datetime_vn(obj.published_at) if obj.published_at else "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("BoundArticleAdminForm", (form,), {"request": request})

    def get_readonly_fields(self, request, obj=None):
        readonly = []
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            readonly.append("slug")
        if obj is not None and not request.user.is_superuser:
            readonly.append("commune")
        return readonly

    def save_model(self, request, obj, form, change):
        try:
            services.article_save(
                article=obj, by=request.user, expected_version=form.cleaned_data.get("expected_version"),
                cover_upload=getattr(form, "new_cover", None),
            )
        except services.StaleEdit as error:  # lost the race after the form check: refuse loudly
            raise PermissionDenied(str(error)) from error

    def save_formset(self, request, form, formset, change):
        if formset.model is GalleryImage:
            instances = formset.save(commit=False)
            for gallery_form in formset.forms:
                upload = getattr(gallery_form, "new_upload", None)
                if upload is not None:
                    name, renditions = services.image_upload_process(upload, folder="gallery")
                    gallery_form.instance.image = name  # the cleaned copy; never the raw upload
                    gallery_form.instance.renditions = renditions
            for instance in instances:
                instance.article = form.instance
                instance.save()
            for deleted in formset.deleted_objects:
                deleted.delete()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        services.article_snapshot(article, request.user)
        action = getattr(form, "requested_action", None)
        if action == "submit":
            services.article_submit(article=article, by=request.user)
            messages.info(request, "Đã gửi bài cho Trưởng Ban Biên tập duyệt.")
        elif action == "publish":
            at = form.cleaned_data.get("published_at")
            at = at if at and at > timezone.now() else None
            services.article_publish(article=article, by=request.user, at=at)
            if at:
                messages.info(request, f"Bài sẽ tự hiện lúc {format_datetime_vn(at)}.")
            else:
                messages.info(request, "Đã đăng bài.")
        elif action == "withdraw":
            services.article_withdraw(article=article, by=request.user)
            messages.info(request, "Đã gỡ bài khỏi trang.")
        elif action == "return":
            services.article_return_to_draft(article=article, by=request.user)
            messages.info(request, "Đã trả bài về bản nháp để sửa.")
        form.instance.refresh_from_db()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            can_publish = services.can_publish(request.user, obj.commune)
        else:
            can_publish = request.user.is_superuser or request.user.memberships.filter(
                role__in=services.PUBLISHER_ROLES
            ).exists()
        context.update({
            "can_publish": can_publish,
            "article_status": obj.status if obj else None,
            "preview_url": reverse("news:preview", args=[obj.pk]) if obj else None,
        })
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- revisions (pages in mttq_portal.revision_admin) -------------------------------------------

    def revision_title(self, revision):
        return revision.title

    def revision_parts(self, revision):
        return [("Tiêu đề", [revision.title]), ("Sapo", [revision.sapo]), ("Nội dung", paragraphs(revision.body))]

    def revision_can_restore(self, user, obj):
        return services.can_edit_article(user, obj)

    def revision_restore(self, obj, revision, user):
        services.article_revision_restore(article=obj, revision=revision, by=user)


@admin.register(Comment)
class CommentAdmin(CommuneScopedAdmin):
    list_display = ["short_body", "name", "article", "status", "created_display"]
    list_filter = ["status", "article__category"]
    search_fields = ["body", "name", "article__title"]
    readonly_fields = ["article", "name", "email", "body", "consent_given_at", "consent_text", "created_at",
                       "moderated_by", "moderated_at", "personal_data_erased_at"]
    fields = ["article", "name", "email", "body", "status", "consent_given_at", "consent_text", "created_at",
              "moderated_by", "moderated_at", "personal_data_erased_at"]
    actions = ["approve", "reject", "erase_personal_data"]
    list_select_related = ["article"]

    @admin.display(description="ý kiến")
    def short_body(self, obj):
        return obj.body[:80] + ("…" if len(obj.body) > 80 else "")

    @admin.display(description="gửi lúc", ordering="created_at")
    def created_display(self, obj):
        return format_datetime_vn(obj.created_at)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderated_by, obj.moderated_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description="Duyệt các bình luận đã chọn", permissions=["change"])
    def approve(self, request, queryset):
        count = services.comment_moderate(comments=queryset, status=Comment.Status.APPROVED, by=request.user)
        messages.success(request, f"Đã duyệt {count} bình luận.")

    @admin.action(description="Từ chối các bình luận đã chọn", permissions=["change"])
    def reject(self, request, queryset):
        count = services.comment_moderate(comments=queryset, status=Comment.Status.REJECTED, by=request.user)
        messages.success(request, f"Đã từ chối {count} bình luận.")

    @admin.action(description="Xóa dữ liệu cá nhân (họ tên, thư điện tử) của người gửi", permissions=["change"])
    def erase_personal_data(self, request, queryset):
        count = services.comment_erase_personal_data(comments=queryset)
        messages.success(request, f"Đã xóa dữ liệu cá nhân của {count} bình luận.")
