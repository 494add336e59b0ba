"""Officials' side: report summaries with key figures and the original file."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django_ckeditor_5.widgets import CKEditor5Widget

from communes.admin_scoping import CommuneScopedAdmin, CommuneScopedInline
from mttq_portal.revision_admin import RevisionAdminMixin, paragraphs
from news.services import can_edit_article, can_publish

from . import services
from .files import ReportFileRejected, report_file_validate
from .models import FigureDefinition, ReportFigure, ReportingBody, ReportSummary

ACTIONS = {"_submit_review": "submit", "_publish": "publish", "_publish_replace": "publish_replace",
           "_withdraw": "withdraw"}


@admin.register(ReportingBody)
class ReportingBodyAdmin(CommuneScopedAdmin):
    list_display = ["name", "commune", "position"]
    list_filter = ["commune"]
    search_fields = ["name"]
    fields = ["commune", "name", "slug", "position"]


@admin.register(FigureDefinition)
class FigureDefinitionAdmin(CommuneScopedAdmin):
    list_display = ["name", "unit", "commune", "position"]
    list_filter = ["commune"]
    search_fields = ["name"]
    fields = ["commune", "name", "unit", "position"]


class ReportFigureForm(forms.ModelForm):
    """Numbers as Vietnamese officials type them: "125,5" (a decimal comma)."""

    class Meta:
        model = ReportFigure
        fields = ["definition", "value", "target", "note"]
        localized_fields = ["value", "target"]


class ReportFigureInline(CommuneScopedInline, admin.TabularInline):
    model = ReportFigure
    form = ReportFigureForm
    extra = 3
    fields = ["definition", "value", "target", "note"]


class ReportAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReportSummary
        fields = ["commune", "body", "year", "period", "title", "slug", "conference", "conference_date",
                  "achievements", "shortcomings", "directions", "signatory", "original_file"]
        widgets = {name: CKEditor5Widget(config_name="article") for name in services.SECTIONS}

    request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean_original_file(self):
        upload = self.cleaned_data.get("original_file")
        self.new_file = None
        if upload and hasattr(upload, "content_type"):
            try:
                report_file_validate(upload)
            except ReportFileRejected as error:
                raise ValidationError(error.message) from error
            self.new_file = upload
        return upload

    def clean(self):
        data = super().clean()
        request = self.request
        self.requested_action = next((v for k, v in ACTIONS.items() if request is not None and k in request.POST), None)
        commune = data.get("commune") or getattr(self.instance, "commune", None)
        if self.instance.pk:
            current = ReportSummary.objects.select_for_update(of=("self",)).select_related("updated_by").get(
                pk=self.instance.pk)
            expected = data.get("expected_version")
            if expected is not None and expected != current.version:
                raise ValidationError(str(services.StaleReportEdit(current)))
            if request is not None and current.status == ReportSummary.Status.PUBLISHED and not can_edit_article(
                    request.user, current):
                raise ValidationError("Báo cáo đã đăng chỉ Trưởng Ban Biên tập được sửa.")
        if self.requested_action in ("publish", "publish_replace", "withdraw") and commune is not None:
            if request is not None and not can_publish(request.user, commune):
                raise ValidationError("Chỉ Trưởng Ban Biên tập được đăng hoặc gỡ báo cáo.")
        return data


@admin.register(ReportSummary)
class ReportSummaryAdmin(RevisionAdminMixin, CommuneScopedAdmin):
    form = ReportAdminForm
    change_form_template = "admin/reports/reportsummary/change_form.html"
    inlines = [ReportFigureInline]
    list_display = ["title", "body", "period_display", "status_badge", "published_at"]
    list_filter = ["status", "body", "year", "period", "commune"]
    search_fields = ["title", "conference"]
    autocomplete_fields = ["body"]
    list_select_related = ["body"]
    fieldsets = [
        (None, {"fields": ["commune", "body", "year", "period", "title", "slug", "conference", "conference_date"]}),
        ("Nội dung", {"fields": ["achievements", "shortcomings", "directions", "signatory"]}),
        ("Tệp báo cáo gốc (PDF, DOCX, XLSX; tối đa 20 MB)", {"fields": ["original_file", "expected_version"]}),
    ]

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.status == ReportSummary.Status.PUBLISHED else None

    @admin.display(description="kỳ", ordering="year")
    def period_display(self, obj):
        return obj.period_label

    @admin.display(description="trạng thái", ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="status status--{}">{}</span>', obj.status, obj.get_status_display())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("BoundReportAdminForm", (form,), {"request": request})

    def get_readonly_fields(self, request, obj=None):
        return ["commune"] if obj is not None and not request.user.is_superuser else []

    def save_model(self, request, obj, form, change):
        if getattr(form, "new_file", None) is not None:
            services.report_attach_file(obj, form.new_file)
        try:
            services.report_save(
                report=obj, by=request.user, expected_version=form.cleaned_data.get("expected_version")
            )
        except services.StaleReportEdit as error:
            raise PermissionDenied(str(error)) from error

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report, action = form.instance, getattr(form, "requested_action", None)
        services.report_snapshot(report, request.user)
        if action == "submit":
            services.report_submit(report=report, by=request.user)
            messages.info(request, "Đã gửi báo cáo để duyệt.")
        elif action in ("publish", "publish_replace"):
            try:
                services.report_publish(report=report, by=request.user, replace=action == "publish_replace")
                messages.info(request, "Đã đăng báo cáo.")
            except services.DuplicateReport as error:
                messages.error(request, error.messages[0])
        elif action == "withdraw":
            services.report_withdraw(report=report, by=request.user)
            messages.info(request, "Đã gỡ báo cáo.")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            allowed = can_publish(request.user, obj.commune)
        else:
            allowed = request.user.is_superuser or request.user.memberships.filter(role="board_head").exists()
        context.update({"can_publish": allowed, "report_status": obj.status if obj else None})
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- revisions (pages in mttq_portal.revision_admin) -------------------------------------------

    def revision_title(self, revision):
        return revision.data.get("title", "")

    def revision_parts(self, revision):
        names = dict(FigureDefinition.objects.filter(commune_id=revision.report.commune_id).values_list("pk", "name"))
        data = revision.data
        return [
            ("Tiêu đề", [data.get("title", "")]),
            ("Kết quả nổi bật", paragraphs(data.get("achievements"))),
            ("Tồn tại, hạn chế", paragraphs(data.get("shortcomings"))),
            ("Phương hướng, nhiệm vụ", paragraphs(data.get("directions"))),
            ("Số liệu chủ yếu",
             [f"{names.get(f['definition_id'], '?')}: {f['value']}" for f in data.get("figures", [])]),
        ]

    def revision_can_restore(self, user, obj):
        return services.can_write(user, obj.commune)

    def revision_restore(self, obj, revision, user):
        services.report_revision_restore(report=obj, revision=revision, by=user)
