"""The box on every page and the disclosure page: what a citizen reads in each state, per
commune, in a fixed number of queries, cached and cleared on every change."""
from datetime import UTC, datetime
from html import unescape
import re

from django.db import connection as db_connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest

from tests.tthc.factories import TthcConnectionFactory, TthcResultFactory
from tthc.figures import RateBasis
from tthc.models import TthcResult
from tthc.selectors import tthc_box
from tthc.services import tthc_box_cache_clear

HOST = "thanhmien.localhost"
HOST_B = "bimatzeta.localhost"
PAGE = "/thu-tuc-hanh-chinh/"


def _text(html):
    """What a reader sees: tags dropped, spaces collapsed, no space before punctuation."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([;,.:)])", r"\1", text)


def box_html(client, host=HOST):
    body = client.get(PAGE, HTTP_HOST=host).content.decode()
    match = re.search(r'<section class="box tthc-box".*?</section>', body, re.S)
    assert match, "the TTHC box is missing"
    return match.group(0)


def three_months(commune, **extra):
    """January to March 2025, each 4 + 52 in, 50 resolved (12 early, 36 on time, 2 late)."""
    for month in (1, 2, 3):
        TthcResultFactory(commune=commune, year=2025, month=month, **extra)


@pytest.mark.django_db
def test_no_data_says_so_instead_of_zero_percent(client, commune_a):
    html = box_html(client)
    text = _text(html)
    assert "Kết quả giải quyết TTHC" in text and "Chưa có số liệu" in text
    assert "0%" not in text and "Cập nhật lúc" not in text
    assert "Chưa kết nối với Dịch vụ công tỉnh" in text
    assert f'href="{PAGE}"' in html and "Chi tiết" in text
    assert '<h2 class="box__title" id="tthc-ket-qua">' in html


@pytest.mark.django_db
def test_the_box_shows_the_year_to_date_with_the_formula_named(client, commune_a):
    three_months(commune_a)
    TthcResultFactory(commune=commune_a, year=2024, month=12, received_count=999, resolved_count=0, early_count=0,
                      on_time_count=0, late_count=0, in_progress_count=0, carried_over_count=0)
    text = _text(box_html(client))
    # 3 months: to process 4 + 156 = 160; resolved 150, of which 144 early or on time, 6 late.
    assert "Đến tháng 3/2025 đã giải quyết: 96% (trước & đúng hạn / đã giải quyết)" in text
    assert "Số hồ sơ xử lý 160" in text and "Đã giải quyết 150" in text
    assert "Trước & đúng hạn 144" in text and "Trễ hạn 6" in text
    assert "Tỉ lệ trễ hạn 4% (trễ hạn / đã giải quyết)" in text
    assert re.search(r"Cập nhật lúc \d\d/\d\d/\d{4} \d\d:\d\d \(GMT\+7\)", text)
    assert "Chưa kết nối với Dịch vụ công tỉnh" in text


@pytest.mark.django_db
def test_a_commune_counting_on_all_files_to_process_says_so(client, commune_a):
    TthcConnectionFactory(commune=commune_a, is_enabled=False, rate_basis=RateBasis.TO_PROCESS)
    TthcResultFactory(commune=commune_a, year=2025, month=1, carried_over_count=0, received_count=1000,
                      resolved_count=988, early_count=100, on_time_count=876, late_count=12, in_progress_count=12)
    text = _text(box_html(client))
    assert "Đến tháng 1/2025 đã giải quyết: 98,8% (đã giải quyết / số hồ sơ xử lý)" in text
    assert "Số hồ sơ xử lý 1.000" in text
    assert "Tỉ lệ trễ hạn 1,2% (trễ hạn / số hồ sơ xử lý)" in text


@pytest.mark.django_db
def test_connected_and_error_states(client, commune_a, django_capture_on_commit_callbacks):
    three_months(commune_a)
    connection = TthcConnectionFactory(commune=commune_a, last_success_at=timezone.now())
    text = _text(box_html(client))
    assert "Đã kết nối với Dịch vụ công tỉnh" in text and "Lỗi" not in text
    connection.last_error_at = datetime(2025, 12, 9, 12, 4, tzinfo=UTC)
    connection.last_success_at = datetime(2025, 12, 9, 11, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):  # the save clears the cached box on commit
        connection.save()
    text = _text(box_html(client))
    assert "Lỗi kết nối lúc 09/12/2025 19:04 (GMT+7); đang hiển thị số liệu nhận được lần cuối" in text
    assert "Đến tháng 3/2025 đã giải quyết: 96%" in text  # the last good figures stay
    assert "Đã kết nối" not in text


@pytest.mark.django_db
def test_a_connection_turned_off_or_never_used_is_not_connected(client, commune_a, django_capture_on_commit_callbacks):
    connection = TthcConnectionFactory(commune=commune_a)  # on, but never synced
    assert "Chưa kết nối với Dịch vụ công tỉnh" in _text(box_html(client))
    connection.is_enabled, connection.last_success_at = False, timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        connection.save()
    assert "Chưa kết nối với Dịch vụ công tỉnh" in _text(box_html(client))


@pytest.mark.django_db
def test_each_commune_sees_only_its_own_figures(client, commune_a, commune_b):
    three_months(commune_a)
    TthcResultFactory(commune=commune_b, year=2025, month=7, received_count=777, carried_over_count=0,
                      resolved_count=700, early_count=0, on_time_count=700, late_count=0, in_progress_count=77)
    TthcConnectionFactory(commune=commune_b, last_error_at=timezone.now())
    text_a = _text(box_html(client, HOST))
    text_b = _text(box_html(client, HOST_B))
    assert "tháng 3/2025" in text_a and "777" not in text_a and "Lỗi kết nối" not in text_a
    assert "tháng 7/2025" in text_b and "Số hồ sơ xử lý 777" in text_b and "Lỗi kết nối lúc" in text_b
    page_a = client.get(PAGE, HTTP_HOST=HOST).content.decode()
    assert "777" not in page_a and "Tháng 7/2025" not in page_a


def _render_box(commune):
    request = RequestFactory().get("/")
    request.commune = commune
    return Template("{% include 'tthc/_box.html' %}").render(Context({"request": request}))


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [1, 6])
def test_the_box_runs_two_queries_whatever_the_data_then_none_from_the_cache(
        commune_a, django_assert_num_queries, fields):
    TthcConnectionFactory(commune=commune_a, last_success_at=timezone.now())
    for month in range(1, 13):
        for index in range(fields):
            TthcResultFactory(commune=commune_a, year=2025, month=month, field_name=f"Lĩnh vực {index}")
    with django_assert_num_queries(2):
        html = _render_box(commune_a)
    assert "Đến tháng 12/2025" in html
    with django_assert_num_queries(0):
        assert _render_box(commune_a) == html


@pytest.mark.django_db
def test_the_cache_is_per_commune_and_cleared_by_a_save(commune_a, commune_b, django_capture_on_commit_callbacks):
    three_months(commune_a)
    assert tthc_box(commune_a)["month"] == 3
    assert tthc_box(commune_b)["has_data"] is False
    with django_capture_on_commit_callbacks(execute=True):
        TthcResultFactory(commune=commune_a, year=2025, month=4)
    assert tthc_box(commune_a)["month"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        TthcConnectionFactory(commune=commune_a, rate_basis=RateBasis.TO_PROCESS)
    assert tthc_box(commune_a)["late_formula"] == "trễ hạn / số hồ sơ xử lý"
    with django_capture_on_commit_callbacks(execute=True):
        TthcResult.objects.filter(commune=commune_a, month=4).get().delete()
    assert tthc_box(commune_a)["month"] == 3


@pytest.mark.django_db(transaction=True)
def test_an_import_clears_the_cached_box_once_committed(commune_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tthc.services import tthc_import

    assert tthc_box(commune_a)["has_data"] is False
    data = "\ufeffNăm,Tháng,Lĩnh vực,Kỳ trước chuyển sang,Tiếp nhận,Đã giải quyết,Trước hạn,Đúng hạn,Trễ hạn," \
           "Đang giải quyết\r\n2025,5,Hộ tịch,0,10,10,2,8,0,0\r\n"
    tthc_import(commune=commune_a, upload=SimpleUploadedFile("a.csv", data.encode()))
    assert tthc_box(commune_a)["month"] == 5


@pytest.mark.django_db
def test_the_box_is_on_the_home_page(client, commune_a):
    three_months(commune_a)
    body = client.get("/", HTTP_HOST=HOST).content.decode()
    assert "Kết quả giải quyết TTHC" in body and "Đến tháng 3/2025 đã giải quyết:" in body


# -- the disclosure page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_disclosure_page_lists_months_year_to_date_and_fields(client, commune_a):
    TthcConnectionFactory(commune=commune_a, last_success_at=datetime(2025, 4, 2, 1, 30, tzinfo=UTC))
    for month in (1, 3):
        TthcResultFactory(commune=commune_a, year=2025, month=month, field_name="Đất đai")
        TthcResultFactory(commune=commune_a, year=2025, month=month, field_name="Hộ tịch", received_count=1052,
                          carried_over_count=0, resolved_count=1000, early_count=500, on_time_count=490,
                          late_count=10, in_progress_count=52)
    response = client.get(PAGE, HTTP_HOST=HOST)
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert html.count("<h1") == 1 and "Công khai tiến độ giải quyết TTHC" in text
    assert "Tháng 1/2025" in text and "Tháng 2/2025 Chưa có số liệu" in text and "Tháng 3/2025" in text
    # Year to date: to process 4 + 2208 = 2212 (one carried over, per field, from January).
    assert "Lũy kế đến tháng 3/2025 4 2.208 2.212 2.100 1.024 1.052 24 58" in text
    assert "Đất đai 4 104 108 100 24 72 4 6 96% 4%" in text
    assert "Hộ tịch 0 2.104 2.104 2.000 1.000 980 20 52 99% 1%" in text
    assert "Nguồn số liệu Nhập trong trang quản trị" in text
    assert "Kết nối Đã kết nối với Dịch vụ công tỉnh" in text
    assert "Tỉ lệ đã giải quyết = trước & đúng hạn / đã giải quyết" in text
    month_view = _text(client.get(PAGE + "?nam=2025&thang=1", HTTP_HOST=HOST).content.decode())
    assert "Theo lĩnh vực, tháng 1/2025" in month_view and "Đất đai 4 52 56 50 12 36 2 6 96% 4%" in month_view


@pytest.mark.django_db
def test_the_disclosure_page_switches_years_and_ignores_nonsense(client, commune_a):
    TthcResultFactory(commune=commune_a, year=2024, month=11)
    TthcResultFactory(commune=commune_a, year=2025, month=2)
    assert "Tháng 2/2025" in _text(client.get(PAGE, HTTP_HOST=HOST).content.decode())
    old = _text(client.get(PAGE + "?nam=2024", HTTP_HOST=HOST).content.decode())
    assert "Tháng 11/2024" in old and "Tháng 2/2025" not in old
    for query in ("?nam=abc", "?nam=1990&thang=x", "?thang=99"):
        assert client.get(PAGE + query, HTTP_HOST=HOST).status_code == 200


@pytest.mark.django_db
def test_the_disclosure_page_without_data_says_so(client, commune_a):
    text = _text(client.get(PAGE, HTTP_HOST=HOST).content.decode())
    assert "Chưa có số liệu kết quả giải quyết TTHC." in text and "Chưa kết nối với Dịch vụ công tỉnh" in text


@pytest.mark.django_db
def test_the_disclosure_page_shows_the_error_and_keeps_the_figures(client, commune_a):
    TthcResultFactory(commune=commune_a, year=2025, month=3)
    TthcConnectionFactory(commune=commune_a, last_success_at=datetime(2025, 4, 1, 1, 0, tzinfo=UTC),
                          last_error_at=datetime(2025, 4, 2, 1, 0, tzinfo=UTC), last_error_message="HTTP 500")
    text = _text(client.get(PAGE, HTTP_HOST=HOST).content.decode())
    assert "Lỗi kết nối lúc 02/04/2025 08:00 (GMT+7); số liệu nhận được lần cuối lúc 01/04/2025 08:00 (GMT+7)" in text
    assert "HTTP 500" not in text  # the technical reason is for the admin only
    assert "Lũy kế đến tháng 3/2025" in text


@pytest.mark.django_db
def test_the_disclosure_page_runs_the_same_queries_at_two_data_sizes(client, commune_a):
    def count():
        client.get(PAGE, HTTP_HOST=HOST)  # warm the other widgets' caches and the host lookup
        tthc_box_cache_clear(commune_a.pk)  # but not our box: measure it uncached too
        with CaptureQueriesContext(db_connection) as queries:
            assert client.get(PAGE, HTTP_HOST=HOST).status_code == 200
        return len(queries)

    TthcResultFactory(commune=commune_a, year=2025, month=1, field_name="Đất đai")
    small = count()
    for month in range(2, 13):
        for name in ("Đất đai", "Hộ tịch", "Chứng thực", "Tư pháp"):
            TthcResultFactory(commune=commune_a, year=2025, month=month, field_name=name)
    assert count() == small
