from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from .admin_scoping import CommuneScopedAdmin, PlatformOnlyAdmin
from .models import Commune, CommuneHost, Membership

admin.site.site_header = "Quản trị Cổng thông tin MTTQ"
admin.site.site_title = "Quản trị Cổng thông tin MTTQ"
admin.site.index_title = "Bảng điều khiển"


class CommuneHostInline(admin.TabularInline):
    model = CommuneHost
    extra = 0
    fields = ["hostname", "is_primary"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Commune)
class CommuneAdmin(CommuneScopedAdmin):
    list_display = ["name", "kind", "province", "primary_host_display", "merged_into", "is_active"]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name", "code", "province", "hosts__hostname"]
    inlines = [CommuneHostInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "province", "former_district", "is_active", "merged_into"]}),
        ("Tiêu đề và chân trang", {"fields": [
            "title_line", "banner", "banner_alt", "editorial_head_name", "editorial_head_title",
            "address", "phone", "email",
        ]}),
        ("Phản ánh, kiến nghị về TTHC", {"fields": [
            "tthc_feedback_address", "tthc_feedback_phone", "tthc_feedback_email",
        ]}),
        ("Thống kê truy cập", {"fields": [
            "show_online", "show_today", "show_yesterday", "show_this_week", "show_this_month",
            "show_total", "opening_visit_total",
        ]}),
    ]

    @admin.display(description="tên miền chính")
    def primary_host_display(self, obj):
        return obj.primary_host() or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merged_into").prefetch_related("hosts")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        # A commune's own administrator edits its profile, not its identity or merger.
        return ["code", "kind", "province", "is_active", "merged_into", "opening_visit_total"]


@admin.register(CommuneHost)
class CommuneHostAdmin(PlatformOnlyAdmin):
    list_display = ["hostname", "commune", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["hostname", "commune__name"]
    autocomplete_fields = ["commune"]


@admin.register(Membership)
class MembershipAdmin(CommuneScopedAdmin):
    list_display = ["user", "commune", "role", "created_at"]
    list_filter = ["role", "commune"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "commune__name"]
    autocomplete_fields = ["commune"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "commune")


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PortalUserAdmin(PlatformOnlyAdmin, UserAdmin):
    pass


@admin.register(Group)
class PortalGroupAdmin(PlatformOnlyAdmin, GroupAdmin):
    pass
