"""Demo TTHC results for `load_demo`: the last twelve months of three fields in each demo
commune (invented, consistent figures: what one month leaves in progress is carried into the
next). Thanh Miện has a connection turned on that points at a closed port on this machine, so
`manage.py sync_tthc` shows an honest «Lỗi kết nối lúc …» and keeps the figures; Sao Vàng is not
connected and computes its rates on all files to process. Safe to run again."""
from communes.models import Commune

from .figures import RateBasis
from .models import Source, TthcConnection, TthcResult
from .services import today_vn

FIELDS = [("dat-dai", "Đất đai", 18), ("ho-tich", "Hộ tịch", 46), ("chung-thuc", "Chứng thực", 85)]
COMMUNES = {
    "thanhmien": {
        "rate_basis": RateBasis.RESOLVED, "is_enabled": True, "provider": TthcConnection.Provider.OPENCPS,
        # Port 9 (discard) on this machine: nothing listens, so a sync fails at once, honestly.
        "base_url": "http://127.0.0.1:9", "group_id": "35417", "agency_code": "UBND-TTTM",
        "timeout_seconds": 2, "retries": 0,
    },
    "saovang": {"rate_basis": RateBasis.TO_PROCESS, "is_enabled": False},
}


def _last_twelve_months(today):
    months = []
    year, month = today.year, today.month
    for _ in range(12):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def demo_month_figures(base, step, carried_over):
    received = base + (step * 7) % 11
    to_process = carried_over + received
    in_progress = min(to_process, 2 + step % 4)
    resolved = to_process - in_progress
    late = min(resolved, 1 if step % 3 == 0 else 0)
    early = resolved // 4
    return {
        "carried_over_count": carried_over, "received_count": received, "resolved_count": resolved,
        "early_count": early, "on_time_count": resolved - early - late, "late_count": late,
        "in_progress_count": in_progress,
    }


def demo_tthc_load(*, stdout):
    months = _last_twelve_months(today_vn())
    for code, connection in COMMUNES.items():
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            continue
        TthcConnection.objects.get_or_create(commune=commune, defaults=connection)
        created = 0
        for index, (field_code, field_name, base) in enumerate(FIELDS):
            carried_over = 3 + index
            for step, (year, month) in enumerate(months):
                figures = demo_month_figures(base + (5 if code == "saovang" else 0), step + index, carried_over)
                _, was_created = TthcResult.objects.get_or_create(
                    commune=commune, year=year, month=month, field_code=field_code,
                    defaults={"field_name": field_name, "source": Source.MANUAL, **figures},
                )
                created += was_created
                carried_over = figures["in_progress_count"]
        status = "đã bật kết nối OpenCPS thử nghiệm (127.0.0.1:9, chạy `manage.py sync_tthc` để thấy «Lỗi kết nối»)" \
            if connection["is_enabled"] else "chưa kết nối Dịch vụ công tỉnh"
        stdout.write(f"  Kết quả TTHC mẫu: {commune.name} — {created} dòng mới (12 tháng × 3 lĩnh vực); {status}.")
