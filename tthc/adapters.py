"""Adapters to the provincial public-service systems: one per provider, all behind ``fetch``.

``fetch(connection, periods, ...)`` returns ``ResultRow``s or raises ``SyncError`` with a
Vietnamese sentence for the admin. It never writes: ``tthc.services.tthc_sync`` checks and saves.

HTTP goes through the standard library (no extra dependency): bounded connect and read
timeouts, a bounded body (2 MB), no redirects followed, retries with exponential backoff on
what may pass (no answer, time-out, HTTP 5xx and 429), none on what will not (4xx, bad JSON).
The JSON is checked strictly: a missing key, a wrong type or an unexpected period is an error
and nothing is saved.
"""
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from .figures import ResultRow, field_key
from .models import Source, TthcConnection

MAX_BODY_BYTES = 2 * 1024 * 1024
USER_AGENT = "mttq-portal-tthc/1"


class SyncError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _Transient(Exception):
    """A failure worth another try."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _get_once(url, headers, timeout):
    request = urllib.request.Request(url, headers=headers, method="GET")
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as response:
            chunks, size = [], 0
            while True:
                # The socket timeout bounds each read; this bounds a server that trickles.
                if time.monotonic() - started > 2 * timeout:
                    raise _Transient(f"máy chủ trả lời quá chậm (quá {2 * timeout} giây)")
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise SyncError("Dữ liệu trả về quá lớn (trên 2 MB).")
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        code = error.code
        error.close()
        if code >= 500 or code == 429:
            raise _Transient(f"máy chủ báo lỗi HTTP {code}") from None
        if 300 <= code < 400:
            raise SyncError(f"Máy chủ chuyển hướng (HTTP {code}); hãy nhập đúng địa chỉ cuối cùng.") from None
        if code in (401, 403):
            raise SyncError(f"Máy chủ từ chối truy cập (HTTP {code}); kiểm tra mã truy cập và groupId.") from None
        if code == 404:
            raise SyncError("Không tìm thấy địa chỉ trên máy chủ (HTTP 404); kiểm tra địa chỉ máy chủ.") from None
        raise SyncError(f"Máy chủ báo lỗi HTTP {code}.") from None
    except TimeoutError:
        raise _Transient(f"quá thời gian chờ {timeout} giây") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _Transient(f"quá thời gian chờ {timeout} giây") from None
        raise _Transient(f"không kết nối được tới máy chủ ({error.reason})") from None
    except (http.client.HTTPException, OSError) as error:
        raise _Transient(f"kết nối bị ngắt ({type(error).__name__})") from None


def http_get_json(url, *, headers, timeout, attempts, backoff, sleep=time.sleep):
    """GET ``url`` and parse its JSON: up to ``attempts`` tries, waiting backoff, 2×backoff…"""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **headers}
    for attempt in range(attempts):
        try:
            body = _get_once(url, headers, timeout)
            break
        except _Transient as error:
            if attempt + 1 >= attempts:
                tries = f" (đã thử {attempts} lần)" if attempts > 1 else ""
                raise SyncError(f"Không lấy được số liệu: {error.message}{tries}.") from None
            sleep(backoff * 2 ** attempt)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SyncError("Dữ liệu trả về không phải văn bản UTF-8.") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise SyncError("Dữ liệu trả về không phải JSON hợp lệ.") from None


def _refuse_constant(name):
    raise ValueError(name)


# -- strict checks ----------------------------------------------------------------------------


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _require_int(item, key, where):
    if key not in item:
        raise SyncError(f"{where}: thiếu «{key}».")
    value = item[key]
    if not _is_int(value):
        raise SyncError(f"{where}: «{key}» phải là số nguyên (đang là {json.dumps(value, ensure_ascii=False)[:40]}).")
    return value


def _optional_text(item, key, where):
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SyncError(f"{where}: «{key}» phải là chuỗi ký tự.")
    return value.strip()


def _row(where, year, month, code, name, figures):
    code, name = field_key(code, name)
    return ResultRow(year=year, month=month, field_code=code, field_name=name, figures=figures,
                     where=f"{where} (tháng {month}/{year}, «{name or 'Toàn đơn vị'}»)")


class OpenCpsAdapter:
    """OpenCPS statistics: ``GET {base}/o/rest/statistics?year=&month=&domain=&agency=``, one
    request per month, header ``groupId``. A row without a domain is the commune as a whole."""

    source = Source.OPENCPS
    FIGURE_KEYS = {
        "remainingCount": "carried_over_count",
        "receivedCount": "received_count",
        "releaseCount": "resolved_count",
        "betimesCount": "early_count",
        "ontimeCount": "on_time_count",
        "overtimeCount": "late_count",
        "processingCount": "in_progress_count",
    }

    def url(self, connection, year, month):
        query = urllib.parse.urlencode({"year": year, "month": month, "domain": "", "agency": connection.agency_code})
        return f"{connection.base_url.rstrip('/')}/o/rest/statistics?{query}"

    def headers(self, connection):
        headers = {}
        if connection.group_id:
            headers["groupId"] = connection.group_id
        if connection.token:
            headers["Authorization"] = f"Bearer {connection.token}"
        return headers

    def fetch(self, connection, periods, *, timeout, attempts, backoff, sleep=time.sleep):
        rows = []
        for year, month in periods:
            data = http_get_json(self.url(connection, year, month), headers=self.headers(connection),
                                 timeout=timeout, attempts=attempts, backoff=backoff, sleep=sleep)
            rows += self.parse(data, year=year, month=month, agency_code=connection.agency_code)
        return rows

    def parse(self, data, *, year, month, agency_code=""):
        where = f"Trả lời tháng {month}/{year}"
        if not isinstance(data, dict):
            raise SyncError(f"{where}: không phải một đối tượng JSON.")
        total = _require_int(data, "total", where)
        items = data.get("data")
        if not isinstance(items, list):
            raise SyncError(f"{where}: «data» phải là một danh sách.")
        if total != len(items):
            raise SyncError(f"{where}: «total» là {total} nhưng «data» có {len(items)} dòng (thiếu dữ liệu).")
        if "agency" in data and data["agency"] is not None and not isinstance(data["agency"], str):
            raise SyncError(f"{where}: «agency» phải là chuỗi ký tự.")
        rows = []
        for index, item in enumerate(items, start=1):
            item_where = f"{where}, dòng {index} của «data»"
            if not isinstance(item, dict):
                raise SyncError(f"{item_where}: không phải một đối tượng JSON.")
            if (_require_int(item, "year", item_where), _require_int(item, "month", item_where)) != (year, month):
                raise SyncError(f"{item_where}: là số liệu tháng {item['month']}/{item['year']}, không phải "
                                f"tháng {month}/{year} đã hỏi.")
            agency = _optional_text(item, "govAgencyCode", item_where)
            if agency_code and agency and agency != agency_code:
                raise SyncError(f"{item_where}: là số liệu của cơ quan «{agency}», không phải «{agency_code}».")
            figures = {name: _require_int(item, key, item_where) for key, name in self.FIGURE_KEYS.items()}
            code = _optional_text(item, "domainCode", item_where)
            name = _optional_text(item, "domainName", item_where)
            rows.append(_row(item_where, year, month, code, name, figures))
        return rows


class JsonAdapter:
    """Our own format (docs/tthc-json.md): ``GET {url}?year=&agency=`` answers every month of
    that year so far. Unknown keys are refused, so a misspelt figure never reads as 0."""

    source = Source.JSON
    FORMAT = "mttq-tthc"
    TOP_KEYS = {"format", "version", "agency", "generated_at", "rows"}
    ROW_KEYS = {"year", "month", "field_code", "field_name", "carried_over", "received", "resolved", "early",
                "on_time", "late", "in_progress"}
    FIGURE_KEYS = {
        "carried_over": "carried_over_count",
        "received": "received_count",
        "resolved": "resolved_count",
        "early": "early_count",
        "on_time": "on_time_count",
        "late": "late_count",
        "in_progress": "in_progress_count",
    }

    def url(self, connection, year):
        query = urllib.parse.urlencode({"year": year, "agency": connection.agency_code})
        separator = "&" if "?" in connection.base_url else "?"
        return f"{connection.base_url}{separator}{query}"

    def headers(self, connection):
        return {"Authorization": f"Bearer {connection.token}"} if connection.token else {}

    def fetch(self, connection, periods, *, timeout, attempts, backoff, sleep=time.sleep):
        rows = []
        for year in sorted({year for year, _ in periods}):
            data = http_get_json(self.url(connection, year), headers=self.headers(connection),
                                 timeout=timeout, attempts=attempts, backoff=backoff, sleep=sleep)
            rows += self.parse(data, year=year, agency_code=connection.agency_code)
        return rows

    def parse(self, data, *, year, agency_code=""):
        where = f"Trả lời năm {year}"
        if not isinstance(data, dict):
            raise SyncError(f"{where}: không phải một đối tượng JSON.")
        unknown = sorted(set(data) - self.TOP_KEYS)
        if unknown:
            raise SyncError(f"{where}: có khóa không có trong định dạng: {', '.join(unknown)}.")
        if data.get("format") != self.FORMAT:
            raise SyncError(f"{where}: «format» phải là \"{self.FORMAT}\".")
        if data.get("version") != 1 or isinstance(data.get("version"), bool):
            raise SyncError(f"{where}: «version» phải là 1.")
        agency = _optional_text(data, "agency", where)
        if agency_code and agency and agency != agency_code:
            raise SyncError(f"{where}: là số liệu của cơ quan «{agency}», không phải «{agency_code}».")
        _optional_text(data, "generated_at", where)
        items = data.get("rows")
        if not isinstance(items, list):
            raise SyncError(f"{where}: «rows» phải là một danh sách.")
        rows = []
        for index, item in enumerate(items, start=1):
            item_where = f"{where}, dòng {index} của «rows»"
            if not isinstance(item, dict):
                raise SyncError(f"{item_where}: không phải một đối tượng JSON.")
            missing = sorted(self.ROW_KEYS - set(item))
            if missing:
                raise SyncError(f"{item_where}: thiếu {', '.join('«' + key + '»' for key in missing)}.")
            unknown = sorted(set(item) - self.ROW_KEYS)
            if unknown:
                raise SyncError(f"{item_where}: có khóa không có trong định dạng: {', '.join(unknown)}.")
            item_year = _require_int(item, "year", item_where)
            month = _require_int(item, "month", item_where)
            if item_year != year:
                raise SyncError(f"{item_where}: là số liệu năm {item_year}, không phải năm {year} đã hỏi.")
            for key in ("field_code", "field_name"):
                if not isinstance(item[key], str):
                    raise SyncError(f"{item_where}: «{key}» phải là chuỗi ký tự (để \"\" nếu là toàn đơn vị).")
            figures = {name: _require_int(item, key, item_where) for key, name in self.FIGURE_KEYS.items()}
            rows.append(_row(item_where, year, month, item["field_code"], item["field_name"], figures))
        return rows


ADAPTERS = {
    TthcConnection.Provider.OPENCPS: OpenCpsAdapter(),
    TthcConnection.Provider.JSON: JsonAdapter(),
}


def adapter_for(provider):
    try:
        return ADAPTERS[provider]
    except KeyError:
        raise SyncError(f"Chưa hỗ trợ hệ thống «{provider}».") from None
