from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communes.models import Commune, CommuneHost


class Command(BaseCommand):
    help = "Tạo một xã, phường, thị trấn mới với tên miền của nó (dành cho quản trị hệ thống)."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="mã không dấu, ví dụ: thanhmien")
        parser.add_argument("--name", required=True, help="tên đầy đủ, ví dụ: \"Thị trấn Thanh Miện\"")
        parser.add_argument("--kind", choices=Commune.Kind.values, default=Commune.Kind.XA)
        parser.add_argument("--province", required=True)
        parser.add_argument("--title-line", help="dòng tiêu đề; mặc định: Trang thông tin điện tử <tên>")
        parser.add_argument("--host", action="append", required=True, help="tên miền; lặp lại nếu có nhiều")

    @transaction.atomic
    def handle(self, *args, code, name, kind, province, title_line, host, **options):
        if Commune.objects.filter(code=code).exists():
            raise CommandError(f"Mã «{code}» đã có. Hãy chọn mã khác.")
        commune = Commune(
            code=code, name=name, kind=kind, province=province,
            title_line=title_line or f"Trang thông tin điện tử {name[0].lower()}{name[1:]}",
        )
        try:
            commune.full_clean()
            commune.save()
            for index, hostname in enumerate(host):
                record = CommuneHost(commune=commune, hostname=hostname.strip().lower(), is_primary=index == 0)
                record.full_clean()
                record.save()
        except ValidationError as error:
            messages = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in error.message_dict.items())
            raise CommandError(f"Dữ liệu không hợp lệ — {messages}") from error
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {commune.name} (#{commune.pk}) với tên miền: {', '.join(host)}"))
