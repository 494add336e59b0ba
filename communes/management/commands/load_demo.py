import os

from django.core.management.base import BaseCommand

from communes.demo import demo_communes_load


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu bằng tiếng Việt: hai thị trấn, tên miền và tài khoản cho từng vai trò."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=os.environ.get("DEMO_PASSWORD", "mttq-demo-2026"),
            help="Mật khẩu chung của các tài khoản mẫu (mặc định: mttq-demo-2026).",
        )
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, password, port, **options):
        accounts = demo_communes_load(password=password)
        # Later apps add their demo content through this hook, in INSTALLED_APPS order.
        from django.apps import apps

        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo_content", None)
            if loader is not None:
                loader(stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))
        self.stdout.write("")
        self.stdout.write(f"  Trang Thanh Miện:  http://thanhmien.localhost:{port}/  (hoặc http://127.0.0.1:{port}/)")
        self.stdout.write(f"  Trang Sao Vàng:    http://saovang.localhost:{port}/")
        self.stdout.write(f"  Xã Xuân Thắng (đã sáp nhập, chuyển hướng 301): http://xuanthang.localhost:{port}/")
        self.stdout.write(f"  Trang quản trị:    http://127.0.0.1:{port}/quan-tri/")
        self.stdout.write("")
        self.stdout.write(f"  Tài khoản (mật khẩu chung: {password}):")
        for username, label, commune_name, _host in accounts:
            where = f" — {commune_name}" if commune_name else ""
            self.stdout.write(f"    {username:<22} {label}{where}")
        self.stdout.write("")
