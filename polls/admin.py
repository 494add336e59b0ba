"""Polls in the admin: the board head and the site admin manage them, editors look.

Vote counts are shown, never typed: they change only through ``services.poll_vote``. The
votes themselves are not registered here (a token and an address hash are of no use to
staff, and nobody should be able to edit a vote).
"""
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string

from communes.admin_scoping import CommuneScopedAdmin, CommuneScopedInline
from mttq_portal.vietnamese import format_datetime_vn, format_number_vn

from .models import Poll, PollOption
from .selectors import poll_results


class PollOptionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
            and (form.cleaned_data.get("label") or "").strip()
        ]
        if len(kept) < 2:
            raise ValidationError("Cuộc thăm dò cần ít nhất hai phương án.")


class PollOptionInline(CommuneScopedInline, admin.TabularInline):
    model = PollOption
    formset = PollOptionFormSet
    fields = ["label", "position", "vote_count"]
    readonly_fields = ["vote_count"]
    verbose_name_plural = "phương án (một phương án đã có người chọn thì không xóa được)"

    def get_extra(self, request, obj=None, **kwargs):
        return 4 if obj is None else 1


@admin.register(Poll)
class PollAdmin(CommuneScopedAdmin):
    inlines = [PollOptionInline]
    list_display = ["question", "opens_at_display", "closes_at_display", "state_display", "total_votes_display",
                    "is_active"]
    list_filter = ["is_active", "commune"]
    search_fields = ["question"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total_votes=Coalesce(Sum("options__vote_count"), 0))

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["commune", "question", "opens_at", "closes_at", "is_active"]})]
        if obj is not None:
            fieldsets.append(("Kết quả", {"fields": ["results_display", "created_at"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["results_display", "created_at"]
        if obj is not None and not request.user.is_superuser:
            readonly.append("commune")
        return readonly

    @admin.display(description="mở từ", ordering="opens_at")
    def opens_at_display(self, obj):
        return format_datetime_vn(obj.opens_at)

    @admin.display(description="kết thúc lúc", ordering="closes_at")
    def closes_at_display(self, obj):
        return format_datetime_vn(obj.closes_at) or "—"

    @admin.display(description="trạng thái")
    def state_display(self, obj):
        return obj.state_label

    @admin.display(description="số lượt bình chọn", ordering="total_votes")
    def total_votes_display(self, obj):
        return format_number_vn(getattr(obj, "total_votes", 0))

    @admin.display(description="kết quả")
    def results_display(self, obj):
        return render_to_string("admin/polls/poll/results.html", {"results": poll_results(obj)})
