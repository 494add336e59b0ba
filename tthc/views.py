"""The public page «Công khai tiến độ giải quyết TTHC»: every month of a year, the year to
date, each field, when the figures were updated, where they come from, the connection status."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import tthc_disclosure

MONTH_CHOICES = range(1, 13)


@require_safe
def disclosure(request):
    page = tthc_disclosure(request.commune, year=request.GET.get("nam"), month=request.GET.get("thang"))
    return render(request, "tthc/disclosure.html", {"page": page})
