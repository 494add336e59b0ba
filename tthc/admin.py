"""Officials' side of TTHC results: monthly figures typed or imported from a file, and each
commune's connection to the provincial system (site administrators only)."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from communes.admin_scoping import CommuneScopedAdmin
from communes.models import Commune, Membership
from mttq_portal.vietnamese import format_datetime_vn, format_percent_vn

from . import services
from .figures import FIGURE_NAMES, Figures, RateBasis, rates_compute
from .imports import COLUMNS, XLSX_CONTENT_TYPE, ImportRejected, import_template_csv, import_template_xlsx
from .models import Source, TthcConnection, TthcResult

# Who may import into a commune: the roles that may add and change its figures.
IMPORT_ROLES = (Membership.Role.BOARD_HEAD, Membership.Role.SITE_ADMIN)


def _rate_basis(commune):
    try:
        return commune.tthc_connection.rate_basis
    except ObjectDoesNotExist:
        return RateBasis.RESOLVED


class TthcResultForm(forms.ModelForm):
    class Meta:
        model = TthcResult
        fields = ["commune", "year", "month", "field_name", "field_code", *FIGURE_NAMES]


@admin.register(TthcResult)
class TthcResultAdmin(CommuneScopedAdmin):
    form = TthcResultForm
    change_list_template = "admin/tthc/tthcresult/change_list.html"
    list_display = ["period_display", "field_display", "commune", "carried_over_count", "received_count",
                    "resolved_count", "early_count", "on_time_count", "late_count", "in_progress_count",
                    "resolved_rate_display", "late_rate_display", "source", "updated_display"]
    list_display_links = ["period_display", "field_display"]
    list_filter = ["year", "month", "source", "commune"]
    search_fields = ["field_name", "field_code"]
    list_select_related = ["commune", "commune__tthc_connection"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["commune", "year", "month", "field_name", "field_code"]}),
        ("Số hồ sơ trong tháng (không nhập lũy kế: trang tự cộng từ đầu năm)", {"fields": FIGURE_NAMES}),
    ]

    @admin.display(description="tháng", ordering="-year")
    def period_display(self, obj):
        return obj.period_label

    @admin.display(description="lĩnh vực", ordering="field_name")
    def field_display(self, obj):
        return obj.field_label

    def _rates(self, obj):
        return rates_compute(Figures.of(obj), _rate_basis(obj.commune))

    @admin.display(description="tỉ lệ đã giải quyết")
    def resolved_rate_display(self, obj):
        rates = self._rates(obj)
        return f"{format_percent_vn(rates.resolved_percent) or '—'} ({rates.resolved_formula})"

    @admin.display(description="tỉ lệ trễ hạn")
    def late_rate_display(self, obj):
        rates = self._rates(obj)
        return f"{format_percent_vn(rates.late_percent) or '—'} ({rates.late_formula})"

    @admin.display(description="cập nhật lúc", ordering="updated_at")
    def updated_display(self, obj):
        return format_datetime_vn(obj.updated_at)

    def get_readonly_fields(self, request, obj=None):
        return ["commune"] if obj is not None and not request.user.is_superuser else []

    def save_model(self, request, obj, form, change):
        obj.source = Source.MANUAL
        super().save_model(request, obj, form, change)

    # -- import from a file -------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        extra = [
            path("nhap-tu-tep/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path("nhap-tu-tep/mau.<str:kind>", self.admin_site.admin_view(self.import_template_view),
                 name="{}_{}_import_template".format(*info)),
        ]
        return extra + super().get_urls()

    def import_communes(self, request):
        """The communes this person may import into: where they hold a role that adds and
        changes figures (every active commune for a superuser)."""
        communes = Commune.objects.filter(is_active=True)
        if request.user.is_superuser:
            return communes
        return communes.filter(memberships__user=request.user, memberships__role__in=IMPORT_ROLES).distinct()

    def has_import_permission(self, request):
        return (self.has_add_permission(request) and self.has_change_permission(request)
                and self.import_communes(request).exists())

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        communes = self.import_communes(request)
        form = TthcImportForm(request.POST or None, request.FILES or None, communes=communes)
        errors = []
        if request.method == "POST" and form.is_valid():
            commune, upload = form.cleaned_data["commune"], form.cleaned_data["file"]
            try:
                counts = services.tthc_import(commune=commune, upload=upload)
            except ImportRejected as error:
                errors = error.messages
            else:
                messages.success(request, f"Đã nhập tệp «{upload.name}» vào {commune.name}: {counts.describe()}.")
                changelist = reverse("admin:tthc_tthcresult_changelist")
                return HttpResponseRedirect(f"{changelist}?commune__id__exact={commune.pk}")
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form, "errors": errors,
            "columns": COLUMNS, "title": "Nhập kết quả giải quyết TTHC từ tệp CSV hoặc Excel",
        }
        return TemplateResponse(request, "admin/tthc/tthcresult/import.html", context)

    def import_template_view(self, request, kind):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if kind == "csv":
            response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
        elif kind == "xlsx":
            response = HttpResponse(import_template_xlsx(), content_type=XLSX_CONTENT_TYPE)
        else:
            raise Http404("Không có mẫu này.")
        response["Content-Disposition"] = f'attachment; filename="mau-ket-qua-tthc.{kind}"'
        return response


class TthcImportForm(forms.Form):
    commune = forms.ModelChoiceField(queryset=Commune.objects.none(), label="Đơn vị", empty_label=None)
    file = forms.FileField(
        label="Tệp số liệu", help_text="CSV (UTF-8) hoặc Excel (.xlsx) theo mẫu, tối đa 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv," + XLSX_CONTENT_TYPE}),
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes


class TthcConnectionForm(forms.ModelForm):
    """The token is written, never shown back: an empty box keeps the stored one."""

    new_token = forms.CharField(
        label="Mã truy cập (token) mới", required=False, max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Để trống để giữ mã đã lưu. Gửi trong tiêu đề «Authorization: Bearer …».",
    )
    clear_token = forms.BooleanField(label="Xóa mã truy cập đã lưu", required=False)

    class Meta:
        model = TthcConnection
        fields = ["commune", "rate_basis", "is_enabled", "provider", "base_url", "group_id", "agency_code",
                  "timeout_seconds", "retries", "backoff_seconds"]
        localized_fields = ["backoff_seconds"]

    def save(self, commit=True):
        new_token = self.cleaned_data.get("new_token")
        if new_token:
            self.instance.token = new_token
        elif self.cleaned_data.get("clear_token"):
            self.instance.token = ""
        return super().save(commit)


@admin.register(TthcConnection)
class TthcConnectionAdmin(CommuneScopedAdmin):
    form = TthcConnectionForm
    list_display = ["commune", "is_enabled", "provider", "status_display", "last_success_display",
                    "last_error_display"]
    list_filter = ["is_enabled", "provider", "commune"]
    search_fields = ["commune__name", "agency_code"]
    list_select_related = ["commune"]
    actions = ["sync_now"]
    fieldsets = [
        (None, {"fields": ["commune", "rate_basis"]}),
        ("Kết nối Dịch vụ công tỉnh", {"fields": [
            "is_enabled", "provider", "base_url", "group_id", "agency_code", "token_display", "new_token",
            "clear_token", "timeout_seconds", "retries", "backoff_seconds",
        ]}),
        ("Tình trạng", {"fields": ["status_display", "last_success_display", "last_error_display",
                                   "last_error_message"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["token_display", "status_display", "last_success_display", "last_error_display",
                 "last_error_message"]
        return fixed + (["commune"] if obj is not None and not request.user.is_superuser else [])

    @admin.display(description="mã truy cập đã lưu")
    def token_display(self, obj):
        return obj.token_hint or "chưa có"

    @admin.display(description="trạng thái")
    def status_display(self, obj):
        if obj.status == TthcConnection.Status.ERROR:
            return f"Lỗi kết nối lúc {format_datetime_vn(obj.last_error_at)}"
        return TthcConnection.Status(obj.status).label

    @admin.display(description="đồng bộ thành công lúc", ordering="last_success_at")
    def last_success_display(self, obj):
        return format_datetime_vn(obj.last_success_at) or "—"

    @admin.display(description="lỗi lần cuối lúc", ordering="last_error_at")
    def last_error_display(self, obj):
        return format_datetime_vn(obj.last_error_at) or "—"

    @admin.action(description="Đồng bộ ngay với Dịch vụ công tỉnh", permissions=["change"])
    def sync_now(self, request, queryset):
        for connection in queryset.select_related("commune"):
            if not connection.is_enabled:
                messages.warning(request, f"{connection.commune.name}: kết nối chưa bật, không đồng bộ.")
                continue
            outcome = services.tthc_sync(connection, interactive=True)
            level = messages.SUCCESS if outcome.ok else messages.ERROR
            messages.add_message(request, level, f"{connection.commune.name}: {outcome.message}")
