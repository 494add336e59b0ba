"""Admin base classes that keep each person inside their own communes.

Every ModelAdmin in the project derives from one of these two:

* ``CommuneScopedAdmin`` for content that belongs to a commune. The model names the path to
  its commune in ``commune_lookup`` ("commune", "report__commune", or "pk" for Commune
  itself). Lists, change and delete pages, history, bulk actions, autocomplete and raw-id
  pop-ups all start from ``get_queryset``, which is narrowed to the person's communes;
  foreign-key and many-to-many choices are narrowed the same way, so a form cannot point
  at another commune's object either.
* ``PlatformOnlyAdmin`` for what only the platform operator (a superuser) manages: user
  accounts, groups, host names.

``tests/communes/test_admin_scoping.py`` walks every registered admin and fails if one
derives from neither or lets anything of another commune through.
"""
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import PermissionDenied

from .models import Commune
from .selectors import user_commune_ids


def scope_queryset(queryset, user):
    """Narrow any queryset of a commune-scoped model to the user's communes."""
    if user.is_superuser:
        return queryset
    lookup = getattr(queryset.model, "commune_lookup", None)
    if lookup is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__in": user_commune_ids(user)})


class CommuneScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def _object_in_scope(self, request, obj):
        if obj is None or request.user.is_superuser:
            return True
        return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), request.user).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._object_in_scope(request, obj)

    def get_changelist_instance(self, request):
        """A date filter like ?published_at__year=99999999999 overflows in Django's date code; treat
        it as a bad parameter (Django then shows the list with ?e=1) instead of a server error."""
        from django.contrib.admin.options import IncorrectLookupParameters

        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(str(error)) from error

    def get_list_filter(self, request):
        """A filter on a relation lists only related objects found in the scoped queryset
        (``RelatedOnlyFieldListFilter``), so no other commune's names appear in the sidebar."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        narrowed = []
        for item in filters:
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                narrowed.append((item, admin.RelatedOnlyFieldListFilter))
            else:
                narrowed.append(item)
        return narrowed

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._object_in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._object_in_scope(request, obj)

    def _narrow_choices(self, request, db_field, kwargs):
        if request.user.is_superuser:
            return kwargs
        related = db_field.related_model
        if getattr(related, "commune_lookup", None) is not None:
            base = kwargs.get("queryset")
            if base is None:
                base = related._default_manager.all()
            kwargs["queryset"] = scope_queryset(base, request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._narrow_choices(request, db_field, kwargs)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Commune and not request.user.is_superuser:
            ids = user_commune_ids(request.user)
            if len(ids) == 1:
                field.initial = next(iter(ids))
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._narrow_choices(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Belt and braces: the form already limits the choices, but a model saved through
        # another path must still land in one of the person's communes.
        super().save_model(request, obj, form, change)
        if not self._object_in_scope(request, obj):
            raise PermissionDenied("Đối tượng không thuộc đơn vị của bạn.")


class CommuneScopedInline:
    """Mixin for inlines: narrow related choices like ``CommuneScopedAdmin`` does."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = CommuneScopedAdmin._narrow_choices(self, request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PlatformOnlyAdmin(admin.ModelAdmin):
    """Visible to superusers only, whatever model permissions a group may carry."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
