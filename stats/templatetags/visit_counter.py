from django import template
from django.core.cache import cache

from stats.counters import visit_counter

register = template.Library()
BOX_SECONDS = 5


@register.inclusion_tag("stats/_counter_box.html", takes_context=True)
def visit_counter_box(context):
    """The counter box of the current commune; a few seconds stale at most (cached per commune)."""
    request = context.get("request")
    commune = getattr(request, "commune", None)
    if commune is None:
        return {"rows": []}
    key = f"stats:box:{commune.pk}"
    values = cache.get(key)
    if values is None:
        values = visit_counter().snapshot(commune=commune).as_dict()
        cache.set(key, values, BOX_SECONDS)
    return {"rows": [(label, values[key_name]) for key_name, label in commune.counter_rows]}
