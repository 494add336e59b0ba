"""Benchmark helpers, active only with BENCH_VIEWS=1 (bench/pages.py sets it; never in production).

``QueryCountMiddleware`` (first in MIDDLEWARE) counts the SQL queries a request runs on the default
database, whatever answers it (a page from the page cache runs none), and says how many in the
``X-Query-Count`` response header. ``bytes_view`` is the yardstick: the least a Django page can do,
returning exactly ``n`` bytes of HTML through the same middleware as every page, so that a page's
requests per second can be read as a share of what this server could do at all for that size.
"""
from functools import lru_cache

from django.db import connection
from django.http import Http404, HttpResponse

HEADER = "X-Query-Count"
MAX_BYTES = 2 * 1024 * 1024
PREFIX = b"<!DOCTYPE html><html lang=\"vi\"><title>bench</title><p>"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response


@lru_cache(maxsize=64)
def _body(n):
    if n <= len(PREFIX):
        return b"x" * n
    return PREFIX + b"x" * (n - len(PREFIX))


def bytes_view(request, n):
    """Exactly ``n`` bytes of text/html (at most 2 MB), nothing read, nothing rendered."""
    if n > MAX_BYTES:
        raise Http404("Too big.")
    return HttpResponse(_body(n), content_type="text/html; charset=utf-8")
