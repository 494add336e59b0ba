"""The arithmetic: which figures are refused and why, the two formulas, the year to date."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
import pytest

from tests.tthc.factories import TthcResultFactory
from tthc.figures import (
    Figures,
    RateBasis,
    figures_problems,
    figures_year_to_date,
    period_problems,
    rates_compute,
)
from tthc.models import TthcResult
from tthc.selectors import _month_totals

GOOD = {"carried_over_count": 4, "received_count": 52, "resolved_count": 50, "early_count": 12,
        "on_time_count": 36, "late_count": 2, "in_progress_count": 6}
TODAY = date(2026, 5, 20)


def test_good_figures_have_no_problem():
    assert figures_problems(GOOD) == {}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"late_count": -1, "resolved_count": 48}, "late_count", "Trễ hạn không được là số âm (đang là -1)."),
    ({"received_count": -52}, "received_count", "Tiếp nhận không được là số âm (đang là -52)."),
    ({"received_count": 12_000_000}, "received_count",
     "Tiếp nhận quá lớn (12.000.000); tối đa 10.000.000 hồ sơ một tháng."),
    ({"late_count": 51}, "late_count", "Trễ hạn (51) không thể lớn hơn đã giải quyết (50)."),
    ({"on_time_count": 30}, "resolved_count",
     "Trước hạn (12) + đúng hạn (30) + trễ hạn (2) = 44, phải bằng đã giải quyết (50)."),
    ({"in_progress_count": 7}, "in_progress_count",
     "Đã giải quyết (50) + đang giải quyết (7) = 57, vượt quá số hồ sơ xử lý: kỳ trước chuyển sang (4) "
     "+ tiếp nhận (52) = 56."),
])
def test_impossible_figures_are_refused_with_one_clear_sentence(change, field, message):
    problems = figures_problems({**GOOD, **change})
    assert problems == {field: [message]}


def test_thousands_in_messages_use_vietnamese_separators():
    figures = {**GOOD, "received_count": 1_234_567, "carried_over_count": 0, "resolved_count": 1_234_000,
               "early_count": 1_000_000, "on_time_count": 234_000, "late_count": 1, "in_progress_count": 0}
    assert figures_problems(figures) == {"resolved_count": [
        "Trước hạn (1.000.000) + đúng hạn (234.000) + trễ hạn (1) = 1.234.001, phải bằng đã giải quyết (1.234.000)."
    ]}


@pytest.mark.parametrize(("year", "month", "expected"), [
    (2026, 0, {"month": ["Tháng phải từ 1 đến 12 (đang là 0)."]}),
    (2026, 13, {"month": ["Tháng phải từ 1 đến 12 (đang là 13)."]}),
    (1999, 5, {"year": ["Năm phải từ 2000 đến 2026 (đang là 1999)."]}),
    (2027, 1, {"year": ["Năm phải từ 2000 đến 2026 (đang là 2027)."]}),
    (2026, 6, {"month": ["Tháng 6/2026 chưa đến, chưa thể có số liệu."]}),
    (2026, 5, {}),
    (2025, 12, {}),
])
def test_periods_out_of_range_or_not_yet_begun_are_refused(year, month, expected):
    assert period_problems(year, month, today=TODAY) == expected


def test_rates_on_resolved_files():
    figures = Figures(resolved_count=1000, early_count=300, on_time_count=688, late_count=12,
                      received_count=1000, carried_over_count=10, in_progress_count=10)
    rates = rates_compute(figures, RateBasis.RESOLVED)
    assert rates.resolved_percent == Decimal("98.8") and rates.late_percent == Decimal("1.2")
    assert rates.resolved_formula == "trước & đúng hạn / đã giải quyết"
    assert rates.late_formula == "trễ hạn / đã giải quyết"


def test_rates_on_all_files_to_process():
    figures = Figures(carried_over_count=20, received_count=980, resolved_count=900, early_count=100,
                      on_time_count=790, late_count=10, in_progress_count=100)
    rates = rates_compute(figures, RateBasis.TO_PROCESS)
    assert rates.resolved_percent == Decimal("90.0") and rates.late_percent == Decimal("1.0")
    assert rates.late_formula == "trễ hạn / số hồ sơ xử lý"


def test_rates_round_half_up_to_one_decimal():
    rates = rates_compute(Figures(resolved_count=3, early_count=0, on_time_count=2, late_count=1), RateBasis.RESOLVED)
    assert rates.resolved_percent == Decimal("66.7") and rates.late_percent == Decimal("33.3")


def test_nothing_to_divide_by_gives_no_rate_rather_than_zero_percent():
    rates = rates_compute(Figures(), RateBasis.RESOLVED)
    assert rates.resolved_percent is None and rates.late_percent is None
    rates = rates_compute(Figures(), RateBasis.TO_PROCESS)
    assert rates.resolved_percent is None and rates.late_percent is None


def test_year_to_date_adds_flows_and_takes_stocks_from_the_ends():
    months = {
        3: Figures(carried_over_count=6, received_count=40, resolved_count=41, early_count=10, on_time_count=30,
                   late_count=1, in_progress_count=5),
        1: Figures(carried_over_count=4, received_count=52, resolved_count=50, early_count=12, on_time_count=36,
                   late_count=2, in_progress_count=6),
        2: Figures(carried_over_count=6, received_count=30, resolved_count=30, early_count=5, on_time_count=25,
                   late_count=0, in_progress_count=6),
    }
    total = figures_year_to_date(months)
    assert total == Figures(carried_over_count=4, received_count=122, resolved_count=121, early_count=27,
                            on_time_count=91, late_count=3, in_progress_count=5)
    assert total.to_process_count == 126
    assert figures_problems(total.as_dict()) == {}
    assert figures_year_to_date({}) is None


def test_year_to_date_with_a_missing_month_adds_what_there_is():
    months = {1: Figures(received_count=10, resolved_count=10, on_time_count=10, carried_over_count=2),
              4: Figures(received_count=5, resolved_count=4, late_count=4, in_progress_count=1)}
    total = figures_year_to_date(months)
    assert (total.received_count, total.resolved_count, total.carried_over_count, total.in_progress_count) == \
        (15, 14, 2, 1)


def _row(month, field_code="", **figures):
    return {"month": month, "field_code": field_code, **{**GOOD, **figures}}


def test_a_month_total_is_the_commune_row_when_there_is_one_else_the_sum_of_fields():
    rows = [
        _row(1), _row(1, "dat-dai", received_count=1), _row(1, "ho-tich", received_count=2),
        _row(2, "dat-dai", received_count=10), _row(2, "ho-tich", received_count=20),
    ]
    totals = _month_totals(rows)
    assert totals[1].received_count == 52  # the commune's own row, not 52 + 1 + 2
    assert totals[2].received_count == 30 and totals[2].resolved_count == 100


@pytest.mark.django_db
def test_the_model_refuses_impossible_figures_in_vietnamese(commune_a):
    result = TthcResult(commune=commune_a, year=2025, month=13, **{**GOOD, "late_count": 60})
    with pytest.raises(ValidationError) as error:
        result.full_clean()
    assert error.value.message_dict == {
        "month": ["Tháng phải từ 1 đến 12 (đang là 13)."],
        "late_count": ["Trễ hạn (60) không thể lớn hơn đã giải quyết (50)."],
    }


@pytest.mark.django_db
def test_negative_figures_give_our_message_only(commune_a):
    result = TthcResult(commune=commune_a, year=2025, month=1, **{**GOOD, "received_count": -1})
    with pytest.raises(ValidationError) as error:
        result.full_clean()
    assert error.value.message_dict == {"received_count": ["Tiếp nhận không được là số âm (đang là -1)."]}


@pytest.mark.django_db
def test_the_same_month_and_field_twice_is_refused_naming_them(commune_a):
    TthcResultFactory(commune=commune_a, year=2025, month=3, field_name="Đất đai")
    again = TthcResult(commune=commune_a, year=2025, month=3, field_name="  Đất   đai ", **GOOD)
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert error.value.message_dict == {
        "field_name": ["Đã có số liệu tháng 3/2025 cho «Đất đai»; hãy sửa dòng đã có."]
    }
