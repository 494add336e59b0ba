"""``slug_url("news:article", slug)``: the same path as ``reverse("news:article", kwargs={"slug": slug})``,
without walking the URL resolver for each of the dozens of links a page draws.

The path is worked out once per URL name (and script prefix) with a placeholder slug; a slug with
anything but ASCII letters, digits, "-" and "_" (which a SlugField never holds, but data may) goes
through ``reverse`` as before.
"""
import re

from django.urls import get_script_prefix, reverse

_PLAIN_SLUG = re.compile(r"[A-Za-z0-9_-]+\Z")
_PLACEHOLDER = "slug-placeholder-0"
_templates = {}


def slug_url(name, slug):
    if not isinstance(slug, str) or not _PLAIN_SLUG.match(slug):
        return reverse(name, kwargs={"slug": slug})
    key = (name, get_script_prefix())
    parts = _templates.get(key)
    if parts is None:
        before, found, after = reverse(name, kwargs={"slug": _PLACEHOLDER}).rpartition(_PLACEHOLDER)
        parts = _templates[key] = (before, after) if found else None
        if parts is None:
            return reverse(name, kwargs={"slug": slug})
    return parts[0] + slug + parts[1]
