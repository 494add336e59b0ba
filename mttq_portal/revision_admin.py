"""Shared admin pages for revisions of articles and reports: list, compare, restore.

Each page starts from the ModelAdmin's scoped ``get_object``, so nobody reaches the revisions of
another commune's content. The model admin supplies how to diff a revision and how to restore it.
"""
import difflib
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from news.sanitize import html_to_text


def paragraphs(html):
    """One line per block of text, so a diff shows what changed paragraph by paragraph."""
    blocks = re.split(r"</(?:p|h[1-6]|li|blockquote|figcaption|tr)>", html or "", flags=re.IGNORECASE)
    return [text for text in (html_to_text(block) for block in blocks) if text]


class RevisionAdminMixin:
    """Needs: ``revision_title(revision)``, ``revision_parts(revision)`` -> [(label, [lines])],
    ``revision_restore(obj, revision, user)`` and ``revision_can_restore(user, obj)``."""

    def _url(self, action, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{action}", args=args)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        extra = [
            path("<path:object_id>/phien-ban/", self.admin_site.admin_view(self.revisions_view),
                 name="{}_{}_revisions".format(*info)),
            path("<path:object_id>/phien-ban/so-sanh/", self.admin_site.admin_view(self.revision_compare_view),
                 name="{}_{}_revision_compare".format(*info)),
            path("<path:object_id>/phien-ban/<int:number>/khoi-phuc/",
                 self.admin_site.admin_view(self.revision_restore_view), name="{}_{}_revision_restore".format(*info)),
        ]
        return extra + super().get_urls()

    def _object_or_denied(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def revisions_view(self, request, object_id):
        obj = self._object_or_denied(request, object_id)
        revisions = obj.revisions.select_related("saved_by")
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "obj": obj, "title": f"Các phiên bản: {obj}",
            "rows": [(r, self.revision_title(r), self._url("revision_restore", obj.pk, r.number)) for r in revisions],
            "can_restore": self.revision_can_restore(request.user, obj),
            "changelist_url": self._url("changelist"), "change_url": self._url("change", obj.pk),
            "compare_url": self._url("revision_compare", obj.pk),
        }
        return render(request, "admin/revisions.html", context)

    def revision_compare_view(self, request, object_id):
        obj = self._object_or_denied(request, object_id)
        try:
            older = obj.revisions.get(number=int(request.GET.get("tu", "")))
            newer = obj.revisions.get(number=int(request.GET.get("den", "")))
        except (ValueError, obj.revisions.model.DoesNotExist):
            messages.error(request, "Hãy chọn hai phiên bản có thật để so sánh.")
            return HttpResponseRedirect(self._url("revisions", obj.pk))
        if older.number > newer.number:
            older, newer = newer, older
        differ = difflib.HtmlDiff(wrapcolumn=70)
        parts = []
        pairs = zip(self.revision_parts(older), self.revision_parts(newer), strict=True)
        for (label, before), (_label, after) in pairs:
            table = differ.make_table(before, after, f"Phiên bản {older.number}", f"Phiên bản {newer.number}")
            parts.append((label, table, before != after))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "obj": obj, "older": older, "newer": newer,
            "parts": parts, "title": f"So sánh phiên bản: {obj}", "change_url": self._url("change", obj.pk),
            "revisions_url": self._url("revisions", obj.pk),
        }
        return render(request, "admin/revision_compare.html", context)

    def revision_restore_view(self, request, object_id, number):
        obj = self._object_or_denied(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(self._url("revisions", obj.pk))
        revision = get_object_or_404(obj.revisions, number=number)
        self.revision_restore(obj, revision, request.user)
        messages.success(request, f"Đã khôi phục nội dung phiên bản {number} thành một phiên bản mới.")
        return HttpResponseRedirect(self._url("change", obj.pk))
