"""The arithmetic of TTHC results, with no database: which figures are possible, the two rates,
and how months add up to the year to date.

One month of one commune (optionally of one field, lĩnh vực) is seven non-negative integers.
Flows (received, resolved, early, on time, late) add up over months; stocks do not: the year to
date starts from what was carried over into its first month and ends with what is still in
progress at its last month. Rates are never stored: they are computed here, as Decimals, by the
formula the commune chose, and ``None`` when there is nothing to divide by (shown as "—", never
as a misleading 0%).
"""
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

from mttq_portal.vietnamese import format_number_vn, slugify_vi

# (model field name, Vietnamese label): the order of the import template and of every table.
FIGURES = (
    ("carried_over_count", "Kỳ trước chuyển sang"),
    ("received_count", "Tiếp nhận"),
    ("resolved_count", "Đã giải quyết"),
    ("early_count", "Trước hạn"),
    ("on_time_count", "Đúng hạn"),
    ("late_count", "Trễ hạn"),
    ("in_progress_count", "Đang giải quyết"),
)
FIGURE_NAMES = tuple(name for name, _ in FIGURES)
FIGURE_LABELS = dict(FIGURES)
FLOW_NAMES = ("received_count", "resolved_count", "early_count", "on_time_count", "late_count")

MIN_YEAR = 2000
# No commune handles ten million files in a month; a bigger figure is a typing or export error.
MAX_COUNT = 10_000_000


class RateBasis(models.TextChoices):
    """What the rates are divided by. Provinces differ, so each commune chooses, and the box
    names the formula next to each rate."""

    RESOLVED = "resolved", "Trên số đã giải quyết (trễ hạn / đã giải quyết)"
    TO_PROCESS = "to_process", "Trên số hồ sơ xử lý (trễ hạn / (tiếp nhận + kỳ trước chuyển sang))"


# The formulas as the box and the disclosure page print them.
RATE_FORMULAS = {
    RateBasis.RESOLVED: {
        "resolved": "trước & đúng hạn / đã giải quyết",
        "late": "trễ hạn / đã giải quyết",
    },
    RateBasis.TO_PROCESS: {
        "resolved": "đã giải quyết / số hồ sơ xử lý",
        "late": "trễ hạn / số hồ sơ xử lý",
    },
}


@dataclass(frozen=True)
class Figures:
    carried_over_count: int = 0
    received_count: int = 0
    resolved_count: int = 0
    early_count: int = 0
    on_time_count: int = 0
    late_count: int = 0
    in_progress_count: int = 0

    @classmethod
    def of(cls, source):
        """From a model instance or a mapping with the seven figure names."""
        if isinstance(source, dict):
            return cls(**{name: int(source.get(name) or 0) for name in FIGURE_NAMES})
        return cls(**{name: int(getattr(source, name) or 0) for name in FIGURE_NAMES})

    @property
    def to_process_count(self):
        """Số hồ sơ xử lý: everything there was to handle in the period."""
        return self.carried_over_count + self.received_count

    @property
    def early_or_on_time_count(self):
        return self.early_count + self.on_time_count

    def as_dict(self):
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Rates:
    resolved_percent: Decimal | None
    late_percent: Decimal | None
    resolved_formula: str
    late_formula: str


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rates_compute(figures, basis):
    """The resolved rate and the late rate of ``figures`` by the commune's formula."""
    basis = RateBasis(basis or RateBasis.RESOLVED)
    formulas = RATE_FORMULAS[basis]
    if basis == RateBasis.RESOLVED:
        resolved = _percent(figures.early_or_on_time_count, figures.resolved_count)
        late = _percent(figures.late_count, figures.resolved_count)
    else:
        resolved = _percent(figures.resolved_count, figures.to_process_count)
        late = _percent(figures.late_count, figures.to_process_count)
    return Rates(resolved, late, formulas["resolved"], formulas["late"])


def _n(value):
    return format_number_vn(value)


def figures_problems(values):
    """Every reason these figures cannot be true, as {figure name: [Vietnamese sentences]}.

    ``values`` maps figure names to integers (missing ones count as 0). Empty when all is well.
    Cross-figure checks run only once every figure is a plausible count, so one typing error
    gives one message, on the column that holds it.
    """
    problems = {}

    def add(name, message):
        problems.setdefault(name, []).append(message)

    numbers = {name: values.get(name) or 0 for name in FIGURE_NAMES}
    for name, label in FIGURES:
        value = numbers[name]
        if value < 0:
            add(name, f"{label} không được là số âm (đang là {_n(value)}).")
        elif value > MAX_COUNT:
            add(name, f"{label} quá lớn ({_n(value)}); tối đa {_n(MAX_COUNT)} hồ sơ một tháng.")
    if problems:
        return problems
    f = Figures(**numbers)
    if f.late_count > f.resolved_count:
        add("late_count", f"Trễ hạn ({_n(f.late_count)}) không thể lớn hơn đã giải quyết ({_n(f.resolved_count)}).")
        return problems
    parts = f.early_count + f.on_time_count + f.late_count
    if parts != f.resolved_count:
        add("resolved_count",
            f"Trước hạn ({_n(f.early_count)}) + đúng hạn ({_n(f.on_time_count)}) + trễ hạn ({_n(f.late_count)}) "
            f"= {_n(parts)}, phải bằng đã giải quyết ({_n(f.resolved_count)}).")
        return problems
    handled = f.resolved_count + f.in_progress_count
    if handled > f.to_process_count:
        add("in_progress_count",
            f"Đã giải quyết ({_n(f.resolved_count)}) + đang giải quyết ({_n(f.in_progress_count)}) = {_n(handled)}, "
            f"vượt quá số hồ sơ xử lý: kỳ trước chuyển sang ({_n(f.carried_over_count)}) + tiếp nhận "
            f"({_n(f.received_count)}) = {_n(f.to_process_count)}.")
    return problems


def period_problems(year, month, *, today):
    """{"year"|"month": [sentences]} for a month that cannot have figures: out of range, or
    not begun yet (``today`` is the date in Vietnam)."""
    problems = {}
    if year is None or not (MIN_YEAR <= year <= today.year):
        shown = "trống" if year is None else year
        problems["year"] = [f"Năm phải từ {MIN_YEAR} đến {today.year} (đang là {shown})."]
    if month is None or not (1 <= month <= 12):
        shown = "trống" if month is None else month
        problems["month"] = [f"Tháng phải từ 1 đến 12 (đang là {shown})."]
    if not problems and (year, month) > (today.year, today.month):
        problems["month"] = [f"Tháng {month}/{year} chưa đến, chưa thể có số liệu."]
    return problems


def figures_sum(parts: Iterable[Figures]):
    """Figures of several fields in the same month, added up (every figure adds)."""
    totals = dict.fromkeys(FIGURE_NAMES, 0)
    for part in parts:
        for name in FIGURE_NAMES:
            totals[name] += getattr(part, name)
    return Figures(**totals)


def figures_year_to_date(months):
    """``months``: {month number: Figures} of one year. The flows add up; what was carried
    over is that of the first month with figures, what is in progress that of the last."""
    if not months:
        return None
    ordered = [months[m] for m in sorted(months)]
    totals = {name: sum(getattr(f, name) for f in ordered) for name in FLOW_NAMES}
    return Figures(
        carried_over_count=ordered[0].carried_over_count,
        in_progress_count=ordered[-1].in_progress_count,
        **totals,
    )


MAX_FIELD_NAME = 200
MAX_FIELD_CODE = 60


@dataclass
class ResultRow:
    """One month of one field as it arrives from a file or the province, before it is saved.
    ``where`` says where it came from, for messages ("Dòng 5", "tháng 3/2026 «Đất đai»")."""

    year: int
    month: int
    field_code: str
    field_name: str
    figures: dict
    where: str = ""

    @property
    def key(self):
        return (self.year, self.month, self.field_code)

    @property
    def field_label(self):
        return self.field_name or "Toàn đơn vị"


def field_key(code, name):
    """(code, name) as stored: a field named but not coded gets a code from its name, so the
    same field imported twice lands on the same row; both empty is the commune as a whole."""
    code, name = (code or "").strip(), " ".join((name or "").split())
    if name and not code:
        code = slugify_vi(name, max_length=MAX_FIELD_CODE)
    if code and not name:
        name = code
    return code, name


def row_problems(row, *, today):
    """Everything wrong with one row: its period, its figures, its field's length."""
    problems = period_problems(row.year, row.month, today=today)
    problems.update(figures_problems(row.figures))
    if len(row.field_name) > MAX_FIELD_NAME:
        problems.setdefault("field_name", []).append(f"Tên lĩnh vực dài quá {MAX_FIELD_NAME} ký tự.")
    if len(row.field_code) > MAX_FIELD_CODE:
        problems.setdefault("field_code", []).append(f"Mã lĩnh vực dài quá {MAX_FIELD_CODE} ký tự.")
    return problems
