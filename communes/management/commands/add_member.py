from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from communes.models import Commune, Membership


class Command(BaseCommand):
    help = "Giao vai trò cho một người trên trang của một đơn vị; tạo tài khoản nếu chưa có."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--commune", required=True, help="mã đơn vị, ví dụ: thanhmien")
        parser.add_argument("--role", required=True, choices=Membership.Role.values)
        parser.add_argument("--password", help="mật khẩu khi tạo tài khoản mới")

    def handle(self, *args, username, commune, role, password, **options):
        target = Commune.objects.filter(code=commune).first()
        if target is None:
            raise CommandError(f"Không có đơn vị mã «{commune}».")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise CommandError("Tài khoản chưa có: hãy nhập --password để tạo mới.")
            user = User.objects.create_user(username=username, password=password)
        membership, created = Membership.objects.update_or_create(
            user=user, commune=target, defaults={"role": role}
        )
        verb = "Đã giao" if created else "Đã cập nhật"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} vai trò «{membership.get_role_display()}» cho {username} tại {target.name}."
        ))
