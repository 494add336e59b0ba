"""``{% tthc_box %}``: the TTHC results box of the current commune (cached per commune)."""
from django import template

from ..selectors import tthc_box as tthc_box_data

register = template.Library()


@register.inclusion_tag("tthc/box.html", takes_context=True)
def tthc_box(context):
    request = context.get("request")
    commune = getattr(request, "commune", None) or context.get("commune")
    if commune is None or not getattr(commune, "pk", None):
        return {"box": None}
    return {"box": tthc_box_data(commune)}
