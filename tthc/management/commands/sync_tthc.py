"""Pull TTHC results from the provincial system, for cron:

    */30 * * * *  cd /srv/mttq && .venv/bin/python manage.py sync_tthc

Exit status: 0 when every commune synced (or none has a connection turned on), 1 when one or
more failed (their last good figures are kept and the error is recorded), 2 for a wrong
argument. Failures go to stderr, so cron mails only what needs a look.
"""
from django.core.management.base import BaseCommand, CommandError

from communes.models import Commune
from tthc.models import TthcConnection
from tthc.services import sync_periods_default, tthc_sync


class Command(BaseCommand):
    help = "Lấy kết quả giải quyết TTHC từ Dịch vụ công tỉnh cho các đơn vị đã bật kết nối."

    def add_arguments(self, parser):
        parser.add_argument("--commune", metavar="MÃ", help="Chỉ đồng bộ đơn vị có mã này (ví dụ: thanhmien).")
        parser.add_argument("--year", type=int, help="Năm cần lấy (cùng --month); mặc định tháng trước và tháng này.")
        parser.add_argument("--month", type=int, help="Tháng cần lấy, từ 1 đến 12 (cùng --year).")

    def handle(self, *args, commune=None, year=None, month=None, **options):
        if (year is None) != (month is None):
            raise CommandError("Hãy dùng --year và --month cùng nhau.", returncode=2)
        if month is not None and not 1 <= month <= 12:
            raise CommandError(f"Tháng phải từ 1 đến 12 (đang là {month}).", returncode=2)
        periods = [(year, month)] if year is not None else sync_periods_default()
        connections = TthcConnection.objects.select_related("commune").filter(
            is_enabled=True, commune__is_active=True
        )
        if commune is not None:
            target = Commune.objects.filter(code=commune).first()
            if target is None:
                raise CommandError(f"Không có đơn vị mã «{commune}».", returncode=2)
            connections = connections.filter(commune=target)
            if not connections.exists():
                raise CommandError(f"{target.name} chưa bật kết nối Dịch vụ công tỉnh.", returncode=2)
        connections = list(connections.order_by("commune__name"))
        if not connections:
            self.stdout.write("Không có đơn vị nào bật kết nối Dịch vụ công tỉnh; không có gì để đồng bộ.")
            return
        label = ", ".join(f"{m}/{y}" for y, m in periods)
        self.stdout.write(f"Đồng bộ kết quả giải quyết TTHC tháng {label} cho {len(connections)} đơn vị.")
        failed = 0
        for connection in connections:
            outcome = tthc_sync(connection, periods=periods)
            if outcome.ok:
                self.stdout.write(self.style.SUCCESS(f"  {connection.commune.name}: {outcome.message}"))
            elif outcome.skipped:
                self.stdout.write(f"  {connection.commune.name}: {outcome.message}")
            else:
                failed += 1
                self.stderr.write(f"  {connection.commune.name}: LỖI — {outcome.message} Số liệu cũ được giữ nguyên.")
        if failed:
            raise CommandError(f"{failed}/{len(connections)} đơn vị đồng bộ không thành công.", returncode=1)
        self.stdout.write(f"Xong: {len(connections)} đơn vị đồng bộ thành công.")
