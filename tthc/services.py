"""Writes of TTHC results: saving rows from a file or the province (all or nothing, safe to
repeat), pulling from the province, and clearing the cached box."""
from dataclasses import dataclass
import logging
import secrets
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from mttq_portal.vietnamese import format_datetime_vn, localtime_vn

from .adapters import SyncError, adapter_for
from .figures import FIGURE_LABELS, FIGURE_NAMES, row_problems
from .models import Source, TthcConnection, TthcResult

logger = logging.getLogger(__name__)

BOX_CACHE_PREFIX = "tthc:box:v1:"
SYNC_LOCK_PREFIX = "tthc:sync-lock:v1:"
# Interactive syncs (the admin's "sync now") must answer within a web request.
INTERACTIVE_MAX_TIMEOUT = 10


def tthc_box_cache_key(commune_id):
    return f"{BOX_CACHE_PREFIX}{commune_id}"


def tthc_box_cache_clear(commune_id):
    from mttq_portal.page_cache import commune_changed

    cache.delete(tthc_box_cache_key(commune_id))
    commune_changed(commune_id)  # every page shows the TTHC box


def tthc_box_cache_clear_on_commit(commune_id):
    transaction.on_commit(lambda: tthc_box_cache_clear(commune_id))


@dataclass
class SaveCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged

    def describe(self):
        return (f"{self.total} dòng: {self.created} dòng mới, {self.updated} dòng cập nhật, "
                f"{self.unchanged} dòng không đổi")


def today_vn():
    return localtime_vn(timezone.now()).date()


def rows_problem_messages(rows):
    """One sentence per problem, naming the period and field of each row."""
    messages = []
    today = today_vn()
    seen = {}
    for row in rows:
        where = row.where or f"tháng {row.month}/{row.year}, «{row.field_label}»"
        for name, texts in row_problems(row, today=today).items():
            label = FIGURE_LABELS.get(name, {"year": "Năm", "month": "Tháng"}.get(name, "Lĩnh vực"))
            messages += [f"{where}, {label}: {text}" for text in texts]
        if row.key in seen:
            messages.append(f"{where}: trùng tháng và lĩnh vực với {seen[row.key]}.")
        seen.setdefault(row.key, where)
    return messages


@transaction.atomic
def tthc_rows_save(*, commune, rows, source):
    """Create or update one row per (commune, year, month, field): the same file or answer
    saved twice changes nothing the second time. Rows must have been checked; the caller's
    transaction (or this one) makes it all or nothing."""
    counts = SaveCounts()
    keys = {row.key for row in rows}
    years = {row.year for row in rows}
    existing = {
        (obj.year, obj.month, obj.field_code): obj
        for obj in TthcResult.objects.select_for_update().filter(commune=commune, year__in=years)
        if (obj.year, obj.month, obj.field_code) in keys
    }
    for row in rows:
        values = {"field_name": row.field_name, **{name: int(row.figures[name]) for name in FIGURE_NAMES}}
        current = existing.get(row.key)
        if current is not None and current.source == source and all(
            getattr(current, name) == value for name, value in values.items()
        ):
            counts.unchanged += 1
            continue
        _, created = TthcResult.objects.update_or_create(
            commune=commune, year=row.year, month=row.month, field_code=row.field_code,
            defaults={**values, "source": source},
        )
        if created:
            counts.created += 1
        else:
            counts.updated += 1
    tthc_box_cache_clear_on_commit(commune.pk)
    return counts


# -- pulling from the province ----------------------------------------------------------------


@dataclass
class SyncOutcome:
    ok: bool
    message: str
    counts: SaveCounts | None = None
    skipped: bool = False


def sync_periods_default(now=None):
    """The month before and this month, in Vietnam: last month's figures settle after it ends."""
    today = localtime_vn(now or timezone.now()).date()
    previous = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return [previous, (today.year, today.month)]


def _record_error(connection, message, at):
    message = message[:1000]
    TthcConnection.objects.filter(pk=connection.pk).update(last_error_at=at, last_error_message=message)
    connection.last_error_at, connection.last_error_message = at, message
    tthc_box_cache_clear(connection.commune_id)


def tthc_sync(connection, *, periods=None, interactive=False, sleep=time.sleep):
    """Pull ``periods`` (default: last month and this month) from the province and save them.

    Everything is fetched and checked before anything is written, in one transaction: a failed,
    slow or wrong answer keeps the last good figures and records the time and the reason on the
    connection; a success records its time. ``interactive`` (the admin's button) caps the wait
    so the answer comes within a web request: no retries, at most 10 seconds per request.
    """
    lock_key = f"{SYNC_LOCK_PREFIX}{connection.pk}"
    attempts = 1 if interactive else connection.retries + 1
    timeout = min(connection.timeout_seconds, INTERACTIVE_MAX_TIMEOUT) if interactive else connection.timeout_seconds
    periods = periods or sync_periods_default()
    lock_seconds = int(len(periods) * attempts * (timeout * 2 + float(connection.backoff_seconds) * 2 ** attempts)) + 60
    token = secrets.token_hex(8)
    if not cache.add(lock_key, token, lock_seconds):
        return SyncOutcome(ok=False, skipped=True, message="Đang có một lần đồng bộ khác chạy; bỏ qua lần này.")
    try:
        return _sync_locked(connection, periods=periods, attempts=attempts, timeout=timeout, sleep=sleep)
    finally:
        # Release only our own lock: if it expired and another run took it, leave theirs alone.
        if cache.get(lock_key) == token:
            cache.delete(lock_key)


def _sync_locked(connection, *, periods, attempts, timeout, sleep):
    adapter = adapter_for(connection.provider)
    try:
        rows = adapter.fetch(connection, periods, timeout=timeout, attempts=attempts,
                             backoff=float(connection.backoff_seconds), sleep=sleep)
        problems = rows_problem_messages(rows)
        if problems:
            more = f" (và {len(problems) - 3} lỗi khác)" if len(problems) > 3 else ""
            raise SyncError("Số liệu nhận được không hợp lệ, chưa lưu gì: " + " ".join(problems[:3]) + more)
        with transaction.atomic():
            counts = tthc_rows_save(commune=connection.commune, rows=rows, source=adapter.source)
            now = timezone.now()
            TthcConnection.objects.filter(pk=connection.pk).update(last_success_at=now)
            connection.last_success_at = now
    except SyncError as error:
        at = timezone.now()
        _record_error(connection, error.message, at)
        return SyncOutcome(ok=False, message=error.message)
    except Exception as error:  # a bug or the database: recorded like a failed pull, then logged
        logger.exception("TTHC sync of commune %s failed", connection.commune_id)
        at = timezone.now()
        message = f"Lỗi không mong đợi khi đồng bộ ({type(error).__name__}); số liệu cũ được giữ nguyên."
        _record_error(connection, message, at)
        return SyncOutcome(ok=False, message=message)
    return SyncOutcome(
        ok=True, counts=counts,
        message=f"Đã đồng bộ {counts.describe()}, lúc {format_datetime_vn(connection.last_success_at)}.",
    )


def tthc_import(*, commune, upload):
    """Import a CSV or XLSX file into ``commune``: nothing is saved unless every row is right."""
    from .imports import ImportRejected, import_file_read

    rows = import_file_read(upload)
    if not rows:
        raise ImportRejected(["Tệp không có dòng số liệu nào dưới dòng tiêu đề."])
    return tthc_rows_save(commune=commune, rows=rows, source=Source.FILE)
