"""Pictures from stored renditions: WebP with a JPEG fallback, sized to avoid layout shifts."""
from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def picture(renditions, size, alt, *, eager=False, css_class=""):
    """<picture> for one rendition size ("thumb", "content", "og"); nothing when it is missing."""
    entry = (renditions or {}).get(size)
    if not entry or not entry.get("jpeg"):
        return ""
    loading = "eager" if eager else "lazy"
    webp = entry.get("webp")
    source = format_html('<source type="image/webp" srcset="{}">', default_storage.url(webp)) if webp else ""
    return format_html(
        '<picture class="{}">{}<img src="{}" alt="{}" width="{}" height="{}" loading="{}" decoding="async"></picture>',
        css_class, source, default_storage.url(entry["jpeg"]), alt, entry.get("width", ""), entry.get("height", ""),
        loading,
    )


@register.simple_tag(takes_context=True)
def absolute_media(context, renditions, size, fmt="jpeg"):
    entry = (renditions or {}).get(size) or {}
    name = entry.get(fmt)
    if not name:
        return ""
    return context["request"].build_absolute_uri(default_storage.url(name))
