"""Reads for the TTHC box (on every page, cached per commune) and the disclosure page.

Both run a fixed number of queries whatever the number of rows: the connection, and the rows
of one year (the box: the latest year with figures). Months and fields are added up in Python
(``tthc.figures``). For a month, the commune's own row (empty field) is its total when there is
one; otherwise the total is the sum of its fields.
"""
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery

from .figures import FIGURE_NAMES, Figures, RateBasis, figures_sum, figures_year_to_date, rates_compute
from .models import Source, TthcConnection, TthcResult
from .services import tthc_box_cache_key

ROW_VALUES = ("year", "month", "field_code", "field_name", "source", "updated_at", *FIGURE_NAMES)


def box_cache_seconds():
    return getattr(settings, "TTHC_BOX_CACHE_SECONDS", 300)


def _connection(commune):
    return TthcConnection.objects.filter(commune=commune).first()


def _status(connection):
    """(status, label, error time) for the box and the page."""
    if connection is None:
        status = TthcConnection.Status.NOT_CONNECTED
    else:
        status = connection.status
    error_at = connection.last_error_at if status == TthcConnection.Status.ERROR else None
    return str(status), TthcConnection.Status(status).label, error_at


def _month_totals(rows):
    """{month: Figures} of the commune as a whole, from the rows of one year."""
    by_month = defaultdict(list)
    for row in rows:
        by_month[row["month"]].append(row)
    totals = {}
    for month, month_rows in by_month.items():
        whole = [row for row in month_rows if not row["field_code"]]
        totals[month] = Figures.of(whole[0]) if whole else figures_sum(Figures.of(row) for row in month_rows)
    return totals


def _updated_at(rows, connection):
    times = [row["updated_at"] for row in rows]
    if connection is not None and connection.last_success_at:
        times.append(connection.last_success_at)
    return max(times) if times else None


def _figures_view(figures, basis):
    rates = rates_compute(figures, basis)
    return {**figures.as_dict(), "to_process_count": figures.to_process_count,
            "early_or_on_time_count": figures.early_or_on_time_count,
            "resolved_percent": rates.resolved_percent, "late_percent": rates.late_percent}


def tthc_box_uncached(commune):
    connection = _connection(commune)
    basis = connection.rate_basis if connection else RateBasis.RESOLVED
    status, status_label, error_at = _status(connection)
    results = TthcResult.objects.of_commune(commune)
    latest_year = results.order_by("-year").values("year")[:1]
    rows = list(results.filter(year=Subquery(latest_year)).values(*ROW_VALUES))
    box = {
        "has_data": bool(rows), "status": status, "status_label": status_label, "error_at": error_at,
        "resolved_formula": rates_compute(Figures(), basis).resolved_formula,
        "late_formula": rates_compute(Figures(), basis).late_formula,
    }
    if rows:
        months = _month_totals(rows)
        box.update({
            "year": rows[0]["year"], "month": max(months),
            "figures": _figures_view(figures_year_to_date(months), basis),
            "updated_at": _updated_at(rows, connection),
        })
    return box


def tthc_box(commune):
    """What the box shows, cached per commune; every save, import and sync clears it."""
    key = tthc_box_cache_key(commune.pk)
    box = cache.get(key)
    if box is None:
        box = tthc_box_uncached(commune)
        cache.set(key, box, box_cache_seconds())
    return box


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def tthc_disclosure(commune, *, year=None, month=None):
    """Everything the public page shows for one year: each month, the year to date, and each
    field for the year to date or for one month. Three queries."""
    connection = _connection(commune)
    basis = connection.rate_basis if connection else RateBasis.RESOLVED
    status, status_label, error_at = _status(connection)
    results = TthcResult.objects.of_commune(commune)
    years = list(results.order_by("-year").values_list("year", flat=True).distinct())
    year = _int_or_none(year)
    if year not in years:
        year = years[0] if years else None
    rows = list(results.filter(year=year).values(*ROW_VALUES)) if year else []
    sample = rates_compute(Figures(), basis)
    page = {
        "years": years, "year": year, "has_data": bool(rows), "basis": basis,
        "basis_label": RateBasis(basis).label, "resolved_formula": sample.resolved_formula,
        "late_formula": sample.late_formula, "status": status, "status_label": status_label,
        "error_at": error_at, "last_success_at": connection.last_success_at if connection else None,
        "updated_at": _updated_at(rows, connection),
        "sources": sorted({Source(row["source"]).label for row in rows}),
    }
    if not rows:
        return page
    months = _month_totals(rows)
    last_month = max(months)
    page["last_month"] = last_month
    page["months"] = [
        {"month": m, "figures": _figures_view(months[m], basis) if m in months else None}
        for m in range(1, last_month + 1)
    ]
    page["year_to_date"] = _figures_view(figures_year_to_date(months), basis)
    selected = _int_or_none(month)
    page["selected_month"] = selected if selected in months else None
    by_field = defaultdict(dict)
    names = {}
    for row in rows:
        if row["field_code"]:
            by_field[row["field_code"]][row["month"]] = Figures.of(row)
            names[row["field_code"]] = row["field_name"] or row["field_code"]
    fields = []
    for code, field_months in by_field.items():
        if page["selected_month"]:
            figures = field_months.get(page["selected_month"])
        else:
            figures = figures_year_to_date(field_months)
        if figures is not None:
            fields.append({"code": code, "name": names[code], "figures": _figures_view(figures, basis)})
    page["fields"] = sorted(fields, key=lambda f: f["name"])
    return page
