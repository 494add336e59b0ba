"""Server-rendered SVG bar charts of a key figure across periods: no JavaScript, readable on a
phone, with the numbers in a table beside it for screen readers."""
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from mttq_portal.vietnamese import format_number_vn

register = template.Library()

SHORT_PERIOD = {"q1": "Quý I", "h1": "6 tháng", "q2": "Quý II", "m9": "9 tháng", "q3": "Quý III", "q4": "Quý IV",
                "year": "Cả năm"}
BAR = 44
GAP = 12
HEIGHT = 220
TOP = 28
BOTTOM = 46


def period_short(report):
    return f"{SHORT_PERIOD.get(report.period, report.period)} {report.year}"


@register.simple_tag
def figure_chart(entry, current_report_id, number):
    chart_id = f"bieu-do-{number}"
    points = entry["points"]
    if not points:
        return ""
    maximum = max((p.value for p in points), default=Decimal(0))
    maximum = maximum if maximum > 0 else Decimal(1)
    width = max(240, len(points) * (BAR + GAP) + GAP)
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for index, point in enumerate(points):
        value = max(point.value, Decimal(0))
        bar_height = float(value / maximum) * plot
        x = GAP + index * (BAR + GAP)
        y = TOP + plot - bar_height
        current = point.report.id == current_report_id
        bars.append(format_html(
            '<g class="chart__bar{}"><rect x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
            '<text class="chart__value" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="chart__label" x="{}" y="{}" text-anchor="middle">{}'
            '<tspan x="{}" dy="14">{}</tspan></text></g>',
            " chart__bar--current" if current else "", x, f"{y:.1f}", BAR, f"{max(bar_height, 1.0):.1f}",
            f"{x + BAR / 2:.1f}", f"{y - 6:.1f}", format_number_vn(point.value),
            f"{x + BAR / 2:.1f}", HEIGHT - BOTTOM + 16, SHORT_PERIOD.get(point.report.period, point.report.period),
            f"{x + BAR / 2:.1f}", point.report.year,
        ))
    definition = entry["definition"]
    title = f"{definition.name} ({definition.unit}) qua các kỳ báo cáo"
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-labelledby="{}" '
        'preserveAspectRatio="xMinYMin meet"><title id="{}">{}</title>'
        '<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        width, HEIGHT, width, HEIGHT, chart_id, chart_id, title,
        GAP // 2, TOP + plot, width - GAP // 2, TOP + plot, mark_safe("".join(bars)),
    )


@register.filter
def period_short_label(report):
    return period_short(report)


