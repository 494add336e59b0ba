from django import template

from stats.counters import counter_values_cached

register = template.Library()


@register.inclusion_tag("stats/_counter_box.html", takes_context=True)
def visit_counter_box(context):
    """The counter box of the current commune; a few seconds stale at most (cached per commune).

    Inside a cached page the numbers may be older: static/js/beacon.js refreshes them from the
    beacon's answer."""
    request = context.get("request")
    commune = getattr(request, "commune", None)
    if commune is None:
        return {"rows": []}
    values = counter_values_cached(commune)
    return {"rows": [(key, label, values[key]) for key, label in commune.counter_rows]}
