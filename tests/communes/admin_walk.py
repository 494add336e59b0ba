"""Walk every admin URL of every registered model as one person and report what leaks.

``admin_leaks(client, foreign_commune)`` returns a list of human-readable leaks: any page
that shows, changes or deletes an object of ``foreign_commune`` (or, for platform-only
models, any object at all). Used by test_admin_scoping.py, which also proves the walk
finds a leak when a queryset is left unscoped.
"""
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, reverse

from communes.admin_scoping import CommuneScopedAdmin, PlatformOnlyAdmin

HOST = "thanhmien.localhost"


def _admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def foreign_objects(model, model_admin, foreign_commune):
    if isinstance(model_admin, PlatformOnlyAdmin):
        return list(model._default_manager.all())
    lookup = model.commune_lookup
    return list(model._default_manager.filter(**{f"{lookup}__in": [foreign_commune.pk]}))


def _snapshot(objects):
    return {(type(o), o.pk): model_to_dict(o) for o in objects}


def _current(objects):
    out = {}
    for obj in objects:
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        out[(type(obj), obj.pk)] = model_to_dict(fresh) if fresh is not None else None
    return out


def admin_leaks(client, foreign_commune, markers):
    """``markers``: strings that only the foreign commune's objects contain (its name...)."""
    leaks = []
    registry = admin.site._registry
    all_foreign = []
    for model, model_admin in registry.items():
        all_foreign += foreign_objects(model, model_admin, foreign_commune)
    before = _snapshot(all_foreign)

    def visit(method, url, data=None, check_markers=True):
        response = getattr(client, method)(url, data or {}, HTTP_HOST=HOST)
        body = response.content.decode("utf-8", "replace")
        if response.status_code == 200 and check_markers:
            for marker in markers:
                if marker in body:
                    leaks.append(f"{method.upper()} {url} shows «{marker}»")
        return response, body

    for model, model_admin in registry.items():
        objects = foreign_objects(model, model_admin, foreign_commune)
        changelist = _admin_url(model, "changelist")
        for query in ["", "?q=", "?_popup=1&_to_field=id", "?all=", "?o=1"]:
            response, body = visit("get", changelist + query)
            for obj in objects:
                if response.status_code == 200 and _admin_url(model, "change", obj.pk) in body:
                    leaks.append(f"changelist of {model.__name__} links to foreign #{obj.pk}")
        for marker in markers:
            # The page echoes the search term, so look for links to foreign objects instead.
            response, body = visit("get", changelist, {"q": marker}, check_markers=False)
            for obj in objects:
                if response.status_code == 200 and _admin_url(model, "change", obj.pk) in body:
                    leaks.append(f"search in {model.__name__} for «{marker}» finds foreign #{obj.pk}")
        try:
            visit("get", _admin_url(model, "add"))
        except NoReverseMatch:
            pass
        for obj in objects:
            for action in ["change", "history", "delete"]:
                response, _ = visit("get", _admin_url(model, action, obj.pk))
                if response.status_code == 200:
                    leaks.append(f"GET {action} of foreign {model.__name__} #{obj.pk} answered 200")
            visit("post", _admin_url(model, "change", obj.pk), {"name": "Bị sửa trộm", "_save": "1"})
            visit("post", _admin_url(model, "delete", obj.pk), {"post": "yes"})
            visit(
                "post", changelist,
                {"action": "delete_selected", "_selected_action": [str(obj.pk)], "post": "yes"},
            )
        # Autocomplete endpoints of every field that points at this model.
        for source_model, source_admin in registry.items():
            for field_name in source_admin.autocomplete_fields:
                field = source_model._meta.get_field(field_name)
                if field.related_model is not model:
                    continue
                url = reverse("admin:autocomplete")
                query = {
                    "app_label": source_model._meta.app_label,
                    "model_name": source_model._meta.model_name,
                    "field_name": field_name,
                    "term": "",
                }
                response, body = visit("get", url, query)
                if response.status_code == 200:
                    ids = {item["id"] for item in response.json()["results"]}
                    for obj in objects:
                        if str(obj.pk) in ids:
                            leaks.append(f"autocomplete {source_model.__name__}.{field_name} offers foreign #{obj.pk}")

    after = _current(all_foreign)
    for key, values in before.items():
        if after[key] is None:
            leaks.append(f"foreign {key[0].__name__} #{key[1]} was deleted")
        elif after[key] != values:
            leaks.append(f"foreign {key[0].__name__} #{key[1]} was changed")
    return leaks


def admin_is_classified(model_admin):
    return isinstance(model_admin, (CommuneScopedAdmin, PlatformOnlyAdmin))
