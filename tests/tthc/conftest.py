"""A real HTTP server on 127.0.0.1 standing in for the provincial public-service system.

``province.route(path, handler)``: ``handler(query) -> (status, body bytes | JSON-able)``, or
one of the ready-made behaviours below. The server counts and records every request, so tests
see retries and headers as the province would.
"""
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import threading
import urllib.parse

import pytest

HANG = object()


class ProvinceState:
    def __init__(self):
        self.routes = {}
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.url = ""

    def route(self, path, handler):
        self.routes[path] = handler

    def count(self, path=None):
        with self.lock:
            return sum(1 for r in self.requests if path is None or r["path"] == path)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 (the standard library's name)
        state = self.server.state
        parsed = urllib.parse.urlsplit(self.path)
        query = {key: values[0] for key, values in urllib.parse.parse_qs(parsed.query, keep_blank_values=True).items()}
        with state.lock:
            state.requests.append({"path": parsed.path, "query": query, "headers": self.headers})
        handler = state.routes.get(parsed.path)
        if handler is None:
            status, body = 404, {"error": "not found"}
        else:
            status, body = handler(query)
        if body is HANG:
            # Never answer within the client's timeout; released when the test ends.
            state.release.wait(status)
            return
        if not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def province():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False
    state = ProvinceState()
    server.state = state
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def opencps_row(year, month, *, domain_code="", domain_name="", agency="UBND-TT", **overrides):
    row = {
        "year": year, "month": month, "govAgencyCode": agency, "domainCode": domain_code, "domainName": domain_name,
        "totalCount": 60, "deniedCount": 0, "cancelledCount": 0, "processCount": 56,
        "remainingCount": 4, "receivedCount": 52, "onlineCount": 30, "onegateCount": 22,
        "releaseCount": 50, "betimesCount": 12, "ontimeCount": 36, "overtimeCount": 2,
        "processingCount": 6, "overdueCount": 1, "undueCount": 5, "ontimePercentage": 96,
    }
    row.update(overrides)
    return row


def opencps_answer(rows, agency="UBND thị trấn"):
    return {"total": len(rows), "agency": agency, "data": rows}


def opencps_good(query):
    """Per asked month: the commune as a whole and two fields (Đất đai, Hộ tịch)."""
    year, month = int(query["year"]), int(query["month"])
    return 200, opencps_answer([
        opencps_row(year, month),
        opencps_row(year, month, domain_code="G09-DD", domain_name="Đất đai", remainingCount=1, receivedCount=20,
                    releaseCount=19, betimesCount=5, ontimeCount=13, overtimeCount=1, processingCount=2),
        opencps_row(year, month, domain_code="G09-HT", domain_name="Hộ tịch", remainingCount=3, receivedCount=32,
                    releaseCount=31, betimesCount=7, ontimeCount=23, overtimeCount=1, processingCount=4),
    ])


def json_row(year, month, **overrides):
    row = {"year": year, "month": month, "field_code": "", "field_name": "", "carried_over": 4, "received": 52,
           "resolved": 50, "early": 12, "on_time": 36, "late": 2, "in_progress": 6}
    row.update(overrides)
    return row


def json_answer(rows, **top):
    return {"format": "mttq-tthc", "version": 1, "agency": "UBND-TT", "generated_at": "2025-12-01T08:00:00+07:00",
            "rows": rows, **top}
