from datetime import UTC, date, datetime
from decimal import Decimal

from django.template import Context, Template
import pytest

from mttq_portal.vietnamese import (
    fold_vietnamese,
    format_date_vn,
    format_datetime_vn,
    format_number_vn,
    format_percent_vn,
    slugify_vi,
)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Đảng bộ", "dang-bo"),
        ("Đổi mới, nâng cao chất lượng", "doi-moi-nang-cao-chat-luong"),
        ("ỦY BAN MTTQ VÀ CÁC ĐOÀN THỂ THỊ TRẤN PHỐ LU", "uy-ban-mttq-va-cac-doan-the-thi-tran-pho-lu"),
        ("Hội LHPN: “Tết xum vầy – Kết nối yêu thương”", "hoi-lhpn-tet-xum-vay-ket-noi-yeu-thuong"),
        ("Quỹ Vì người nghèo 2023/2024", "quy-vi-nguoi-ngheo-2023-2024"),
        ("  --Ưu tiên   đường  ", "uu-tien-duong"),
        ("Nghị quyết số 02-NQ/TU", "nghi-quyet-so-02-nq-tu"),
    ],
)
def test_slug_keeps_every_vietnamese_letter(title, slug):
    assert slugify_vi(title) == slug


def test_slug_handles_decomposed_unicode_input():
    # Text pasted from some editors arrives in NFD form: base letter + combining marks.
    import unicodedata

    assert slugify_vi(unicodedata.normalize("NFD", "Mặt trận Tổ quốc")) == "mat-tran-to-quoc"


def test_slug_is_cut_at_a_word_boundary_without_trailing_dash():
    slug = slugify_vi("Đoàn kết " * 40, max_length=30)
    assert len(slug) <= 30
    assert not slug.endswith("-")


def test_fold_makes_search_text_without_diacritics():
    assert fold_vietnamese("Mặt trận Tổ quốc ĐOÀN") == "mat tran to quoc doan"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567, "1.234.567"),
        (2812546, "2.812.546"),
        (999, "999"),
        (1000, "1.000"),
        (0, "0"),
        (-41021, "-41.021"),
        (Decimal("1234.50"), "1.234,5"),
        (Decimal("13.25"), "13,25"),
        (Decimal("128.000"), "128"),
    ],
)
def test_numbers_use_vietnamese_separators(value, text):
    assert format_number_vn(value) == text


def test_number_with_fixed_decimals_rounds_half_up():
    assert format_number_vn(Decimal("2.345"), decimals=2) == "2,35"
    assert format_number_vn(1234567.891, decimals=1) == "1.234.567,9"


@pytest.mark.parametrize(
    ("value", "text"),
    [(98.8, "98,8%"), (Decimal("98.75"), "98,8%"), (100, "100%"), (0, "0%"), (Decimal("12.04"), "12%")],
)
def test_percentages_use_a_decimal_comma(value, text):
    assert format_percent_vn(value) == text


def test_datetime_is_shown_in_gmt7_and_labelled():
    # 03:15 UTC is 10:15 in Hà Nội.
    assert format_datetime_vn(datetime(2021, 2, 23, 3, 15, tzinfo=UTC)) == "23/02/2021 10:15 (GMT+7)"


def test_datetime_crosses_midnight_into_the_vietnamese_day():
    # 20:00 UTC on the 27th is 03:00 on the 28th in GMT+7.
    moment = datetime(2023, 11, 27, 20, 0, tzinfo=UTC)
    assert format_datetime_vn(moment) == "28/11/2023 03:00 (GMT+7)"
    assert format_date_vn(moment) == "28/11/2023"
    assert format_date_vn(date(2022, 7, 4)) == "04/07/2022"


def test_template_filters_render_vietnamese_formats():
    template = Template(
        "{% load vn %}{{ n|vn_number }}|{{ p|vn_percent }}|{{ t|vn_datetime }}|{{ t|iso_datetime }}"
    )
    out = template.render(Context({"n": 2812546, "p": 98.8, "t": datetime(2023, 11, 28, 3, 52, tzinfo=UTC)}))
    assert out == "2.812.546|98,8%|28/11/2023 10:52 (GMT+7)|2023-11-28T10:52+07:00"
