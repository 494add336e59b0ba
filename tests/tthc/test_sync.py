"""Pulling from the province over real HTTP (a server on 127.0.0.1, no mocks): good answers of
both adapters are saved; bad JSON, wrong types, impossible figures, HTTP errors and a hang all
keep the last good figures and record the error; retries are counted by the server."""
import time

import pytest

from tests.tthc.conftest import (
    HANG,
    json_answer,
    json_row,
    opencps_answer,
    opencps_good,
    opencps_row,
)
from tests.tthc.factories import TthcConnectionFactory
from tthc.models import Source, TthcConnection, TthcResult
from tthc.selectors import tthc_box_uncached
from tthc.services import sync_periods_default, tthc_sync

PERIODS = [(2025, 11), (2025, 12)]
STATS = "/o/rest/statistics"


@pytest.fixture
def connection(commune_a, province):
    return TthcConnectionFactory(commune=commune_a, base_url=province.url, token="bi-mat-0123456789abcdef",
                                 group_id="35417", agency_code="UBND-TT", timeout_seconds=1, retries=2,
                                 backoff_seconds=0)


def _snapshot(commune):
    return sorted(TthcResult.objects.filter(commune=commune).values_list(
        "year", "month", "field_code", "received_count", "resolved_count", "late_count", "updated_at"))


def _sync_good_first(connection, province):
    province.route(STATS, opencps_good)
    outcome = tthc_sync(connection, periods=PERIODS)
    assert outcome.ok, outcome.message
    connection.refresh_from_db()
    return _snapshot(connection.commune), connection.last_success_at


@pytest.mark.django_db
def test_opencps_answer_is_saved_per_month_and_field_with_the_headers_the_province_expects(connection, province):
    province.route(STATS, opencps_good)
    outcome = tthc_sync(connection, periods=PERIODS)
    assert outcome.ok, outcome.message
    assert "Đã đồng bộ 6 dòng: 6 dòng mới" in outcome.message and "(GMT+7)" in outcome.message
    rows = TthcResult.objects.filter(commune=connection.commune)
    assert rows.count() == 6 and set(rows.values_list("source", flat=True)) == {Source.OPENCPS}
    land = rows.get(year=2025, month=12, field_code="G09-DD")
    assert (land.field_name, land.carried_over_count, land.received_count, land.resolved_count, land.early_count,
            land.on_time_count, land.late_count, land.in_progress_count) == ("Đất đai", 1, 20, 19, 5, 13, 1, 2)
    whole = rows.get(year=2025, month=11, field_code="")
    assert whole.resolved_count == 50 and whole.field_label == "Toàn đơn vị"
    assert province.count(STATS) == 2
    first = province.requests[0]
    assert first["query"] == {"year": "2025", "month": "11", "domain": "", "agency": "UBND-TT"}
    # Header names are case-insensitive (urllib sends "Groupid"; servlet containers read either).
    assert first["headers"].get("groupid") == "35417"
    assert first["headers"].get("authorization") == "Bearer bi-mat-0123456789abcdef"
    connection.refresh_from_db()
    assert connection.last_success_at is not None and connection.status == TthcConnection.Status.CONNECTED


@pytest.mark.django_db
def test_syncing_the_same_answer_twice_changes_nothing(connection, province):
    before, _ = _sync_good_first(connection, province)
    outcome = tthc_sync(connection, periods=PERIODS)
    assert outcome.ok and "0 dòng mới, 0 dòng cập nhật, 6 dòng không đổi" in outcome.message
    assert _snapshot(connection.commune) == before


@pytest.mark.django_db
def test_json_adapter_answer_is_saved(commune_a, province):
    connection = TthcConnectionFactory(commune=commune_a, provider=TthcConnection.Provider.JSON,
                                       base_url=f"{province.url}/tthc.json?key=k1", token="", agency_code="UBND-TT")
    province.route("/tthc.json", lambda query: (200, json_answer([
        json_row(int(query["year"]), 10), json_row(int(query["year"]), 11),
        json_row(int(query["year"]), 11, field_code="", field_name="Hộ tịch", received=10, carried_over=0,
                 resolved=9, early=2, on_time=7, late=0, in_progress=1),
    ])))
    outcome = tthc_sync(connection, periods=PERIODS)
    assert outcome.ok, outcome.message
    assert province.count("/tthc.json") == 1  # one request per year, not per month
    assert province.requests[0]["query"] == {"key": "k1", "year": "2025", "agency": "UBND-TT"}
    assert province.requests[0]["headers"].get("authorization") is None
    rows = TthcResult.objects.filter(commune=commune_a)
    assert rows.count() == 3 and set(rows.values_list("source", flat=True)) == {Source.JSON}
    assert rows.get(field_code="ho-tich").field_name == "Hộ tịch"


BAD_ANSWERS = {
    "invalid JSON": (lambda q: (200, b"{\"total\": 1, \"data\": ["), "không phải JSON hợp lệ"),
    "not UTF-8": (lambda q: (200, "{\"total\": 0, \"data\": [], \"agency\": \"Hà\"}".encode("cp1258")),
                  "không phải văn bản UTF-8"),
    "HTML page": (lambda q: (200, b"<html><body>B\xe1\xba\xa3o tr\xc3\xac</body></html>"), "không phải JSON hợp lệ"),
    "a string count": (lambda q: (200, opencps_answer([opencps_row(2025, int(q["month"]), receivedCount="52")])),
                       "«receivedCount» phải là số nguyên (đang là \"52\")"),
    "a boolean count": (lambda q: (200, opencps_answer([opencps_row(2025, int(q["month"]), overtimeCount=True)])),
                        "«overtimeCount» phải là số nguyên"),
    "a missing key": (lambda q: (200, opencps_answer([{k: v for k, v in opencps_row(2025, int(q["month"])).items()
                                                        if k != "releaseCount"}])), "thiếu «releaseCount»"),
    "data not a list": (lambda q: (200, {"total": 0, "data": {}}), "«data» phải là một danh sách"),
    "total disagrees": (lambda q: (200, {"total": 5, "data": [opencps_row(2025, int(q["month"]))]}),
                        "«total» là 5 nhưng «data» có 1 dòng"),
    "another month": (lambda q: (200, opencps_answer([opencps_row(2025, 7)])), "là số liệu tháng 7/2025"),
    "another agency": (lambda q: (200, opencps_answer([opencps_row(2025, int(q["month"]), agency="UBND-KHAC")])),
                       "cơ quan «UBND-KHAC»"),
    "late over resolved": (lambda q: (200, opencps_answer([opencps_row(2025, int(q["month"]), overtimeCount=60)])),
                           "Trễ hạn (60) không thể lớn hơn đã giải quyết (50)"),
    "parts do not add up": (lambda q: (200, opencps_answer([opencps_row(2025, int(q["month"]), ontimeCount=30)])),
                            "phải bằng đã giải quyết (50)"),
    "negative": (lambda q: (200, opencps_answer([opencps_row(2025, int(q["month"]), processingCount=-6)])),
                 "Đang giải quyết không được là số âm"),
    "a field twice": (lambda q: (200, opencps_answer([opencps_row(2025, int(q["month"]))] * 2)),
                      "trùng tháng và lĩnh vực"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_a_bad_answer_keeps_the_last_good_figures_and_records_the_error(connection, province, case):
    before, success_at = _sync_good_first(connection, province)
    handler, expected = BAD_ANSWERS[case]
    province.route(STATS, handler)
    requests_before = len(province.requests)
    outcome = tthc_sync(connection, periods=PERIODS)
    assert not outcome.ok
    assert expected in outcome.message
    months_asked = [r["query"]["month"] for r in province.requests[requests_before:]]
    assert len(months_asked) == len(set(months_asked))  # a wrong answer is not asked again
    assert _snapshot(connection.commune) == before
    connection.refresh_from_db()
    assert connection.last_success_at == success_at
    assert connection.last_error_at > success_at and expected in connection.last_error_message
    assert connection.status == TthcConnection.Status.ERROR


@pytest.mark.django_db
def test_json_format_is_checked_strictly(commune_a, province):
    connection = TthcConnectionFactory(commune=commune_a, provider=TthcConnection.Provider.JSON,
                                       base_url=f"{province.url}/tthc.json")
    cases = [
        (json_answer([json_row(2025, 11, recieved=52)]), "có khóa không có trong định dạng: recieved"),
        (json_answer([{k: v for k, v in json_row(2025, 11).items() if k != "late"}]), "thiếu «late»"),
        (json_answer([json_row(2025, 11, field_name=None)]), "«field_name» phải là chuỗi ký tự"),
        (json_answer([json_row(2024, 11)]), "là số liệu năm 2024, không phải năm 2025"),
        (json_answer([json_row(2025, 13)]), "Tháng phải từ 1 đến 12 (đang là 13)"),
        (json_answer([json_row(2025, 11, late=1.5)]), "«late» phải là số nguyên"),
        (json_answer([], format="khac"), "«format» phải là \"mttq-tthc\""),
        (json_answer([], version=2), "«version» phải là 1"),
        (json_answer([], extra=1), "có khóa không có trong định dạng: extra"),
        ([json_row(2025, 11)], "không phải một đối tượng JSON"),
        (b"{\"rows\": NaN}", "không phải JSON hợp lệ"),
    ]
    for body, expected in cases:
        province.route("/tthc.json", lambda query, body=body: (200, body))
        outcome = tthc_sync(connection, periods=[(2025, 11)])
        assert not outcome.ok and expected in outcome.message, (expected, outcome.message)
    assert not TthcResult.objects.filter(commune=commune_a).exists()


@pytest.mark.django_db
def test_http_500_is_retried_with_backoff_then_recorded(connection, province):
    before, success_at = _sync_good_first(connection, province)
    province.route(STATS, lambda query: (500, {"error": "Lỗi máy chủ"}))
    connection.backoff_seconds = 0.5
    waits = []
    requests_before = province.count(STATS)
    outcome = tthc_sync(connection, periods=PERIODS, sleep=waits.append)
    assert not outcome.ok
    assert outcome.message == "Không lấy được số liệu: máy chủ báo lỗi HTTP 500 (đã thử 3 lần)."
    assert province.count(STATS) - requests_before == 3  # 1 try + 2 retries, then it stops at the first month
    assert waits == [0.5, 1.0]  # exponential backoff
    assert _snapshot(connection.commune) == before
    connection.refresh_from_db()
    assert connection.last_success_at == success_at and "HTTP 500" in connection.last_error_message


@pytest.mark.django_db
def test_a_server_that_recovers_within_the_retries_succeeds(connection, province):
    calls = []

    def flaky(query):
        calls.append(query)
        return (503, {"error": "bận"}) if len(calls) == 1 else opencps_good(query)

    province.route(STATS, flaky)
    outcome = tthc_sync(connection, periods=PERIODS, sleep=lambda s: None)
    assert outcome.ok, outcome.message
    assert province.count(STATS) == 3  # 503, then 200 for November; 200 for December


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "expected"), [
    (404, "Không tìm thấy địa chỉ trên máy chủ (HTTP 404); kiểm tra địa chỉ máy chủ."),
    (401, "Máy chủ từ chối truy cập (HTTP 401); kiểm tra mã truy cập và groupId."),
    (302, "Máy chủ chuyển hướng (HTTP 302); hãy nhập đúng địa chỉ cuối cùng."),
])
def test_client_errors_are_not_retried(connection, province, status, expected):
    before, success_at = _sync_good_first(connection, province)
    province.route(STATS, lambda query: (status, {"error": "x"}))
    requests_before = province.count(STATS)
    outcome = tthc_sync(connection, periods=PERIODS, sleep=lambda s: None)
    assert not outcome.ok and outcome.message == expected
    assert province.count(STATS) - requests_before == 1
    assert province.count("/elsewhere") == 0  # a redirect is never followed
    assert _snapshot(connection.commune) == before


@pytest.mark.django_db
def test_a_hanging_server_times_out_is_retried_and_keeps_the_last_good_figures(connection, province):
    before, success_at = _sync_good_first(connection, province)
    province.route(STATS, lambda query: (10, HANG))  # answers nothing for 10 s; the timeout is 1 s
    connection.retries = 1
    requests_before = province.count(STATS)
    started = time.monotonic()
    outcome = tthc_sync(connection, periods=PERIODS)
    elapsed = time.monotonic() - started
    assert not outcome.ok
    assert outcome.message == "Không lấy được số liệu: quá thời gian chờ 1 giây (đã thử 2 lần)."
    assert 1.8 < elapsed < 5
    assert province.count(STATS) - requests_before == 2
    assert _snapshot(connection.commune) == before
    connection.refresh_from_db()
    assert connection.last_success_at == success_at and connection.status == TthcConnection.Status.ERROR


@pytest.mark.django_db
def test_nothing_listening_is_an_error_too(commune_a):
    connection = TthcConnectionFactory(commune=commune_a, base_url="http://127.0.0.1:9", retries=1,
                                       backoff_seconds=0)
    outcome = tthc_sync(connection, periods=PERIODS)
    assert not outcome.ok and outcome.message.startswith("Không lấy được số liệu: không kết nối được tới máy chủ")
    assert "(đã thử 2 lần)" in outcome.message
    connection.refresh_from_db()
    assert connection.last_error_at is not None and connection.last_success_at is None


@pytest.mark.django_db
def test_a_failure_in_the_second_month_saves_nothing_of_the_first(connection, province):
    province.route(STATS, lambda q: opencps_good(q) if q["month"] == "11" else (200, b"oops"))
    outcome = tthc_sync(connection, periods=PERIODS)
    assert not outcome.ok and not TthcResult.objects.filter(commune=connection.commune).exists()


@pytest.mark.django_db
def test_the_box_keeps_showing_the_last_good_figures_with_the_error_time(connection, province):
    _sync_good_first(connection, province)
    province.route(STATS, lambda q: (500, b""))
    tthc_sync(connection, periods=PERIODS, sleep=lambda s: None)
    box = tthc_box_uncached(connection.commune)
    assert box["status"] == "error" and box["error_at"] is not None
    assert box["has_data"] and box["month"] == 12 and box["figures"]["resolved_count"] == 100
    # The province is back: the next pull clears the error.
    province.route(STATS, opencps_good)
    assert tthc_sync(connection, periods=PERIODS).ok
    assert tthc_box_uncached(connection.commune)["status"] == "connected"


@pytest.mark.django_db
def test_a_sync_already_running_is_not_started_twice(connection, province):
    from django.core.cache import cache

    from tthc.services import SYNC_LOCK_PREFIX

    cache.add(f"{SYNC_LOCK_PREFIX}{connection.pk}", "1", 60)
    province.route(STATS, opencps_good)
    outcome = tthc_sync(connection, periods=PERIODS)
    assert outcome.skipped and not outcome.ok and province.count() == 0


def test_default_periods_are_last_month_and_this_month_in_vietnam():
    from datetime import UTC, datetime

    # 31/12/2025 20:00 UTC is already 01/01/2026 in Vietnam.
    assert sync_periods_default(datetime(2025, 12, 31, 20, 0, tzinfo=UTC)) == [(2025, 12), (2026, 1)]
    assert sync_periods_default(datetime(2026, 5, 10, 3, 0, tzinfo=UTC)) == [(2026, 4), (2026, 5)]
