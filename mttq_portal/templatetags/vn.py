"""Template filters for Vietnamese formatting: {{ value|vn_datetime }}, |vn_number, |vn_percent."""
from django import template

from mttq_portal import vietnamese

register = template.Library()


@register.filter
def vn_datetime(value):
    return vietnamese.format_datetime_vn(value)


@register.filter
def vn_date(value):
    return vietnamese.format_date_vn(value)


@register.filter
def vn_number(value, decimals=None):
    if decimals in (None, ""):
        return vietnamese.format_number_vn(value)
    return vietnamese.format_number_vn(value, decimals=int(decimals))


@register.filter
def vn_percent(value, decimals=1):
    return vietnamese.format_percent_vn(value, decimals=int(decimals))


@register.filter
def iso_datetime(value):
    """Machine-readable time for <time datetime=...>, with the +07:00 offset."""
    if value is None:
        return ""
    return vietnamese.localtime_vn(value).isoformat(timespec="minutes")
