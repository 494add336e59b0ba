"""Demo communes and accounts for `manage.py load_demo`. Safe to run again: it updates in place.

Names, phone numbers and e-mail addresses here are invented for the demo.
"""
from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Commune, CommuneHost, Membership

DEMO_COMMUNES = [
    {
        "code": "thanhmien",
        "hosts": ["thanhmien.localhost", "127.0.0.1", "localhost"],
        "fields": {
            "name": "Thị trấn Thanh Miện",
            "kind": Commune.Kind.THI_TRAN,
            "province": "Thành phố Hải Phòng",
            "former_district": "Thanh Miện",
            "title_line": "Trang thông tin điện tử thị trấn Thanh Miện",
            "editorial_head_name": "Nguyễn Quang Huy",
            "editorial_head_title": "Phó Chủ tịch UBND thị trấn",
            "address": "47 Nguyễn Lương Bằng, thị trấn Thanh Miện",
            "phone": "0220 3 735 100",
            "email": "mttq.thanhmien@example.vn",
            "tthc_feedback_address": "Bộ phận Một cửa, UBND thị trấn Thanh Miện, 47 Nguyễn Lương Bằng",
            "tthc_feedback_phone": "0220 3 735 101",
            "tthc_feedback_email": "motcua.thanhmien@example.vn",
            "opening_visit_total": 41021,
            "show_yesterday": False,
        },
    },
    {
        "code": "saovang",
        "hosts": ["saovang.localhost"],
        "fields": {
            "name": "Thị trấn Sao Vàng",
            "kind": Commune.Kind.THI_TRAN,
            "province": "Tỉnh Thanh Hóa",
            "former_district": "Thọ Xuân",
            "title_line": "Trang thông tin điện tử thị trấn Sao Vàng",
            "editorial_head_name": "Lê Thị Thu Hà",
            "editorial_head_title": "Phó Chủ tịch UBND thị trấn",
            "address": "Khu phố Xuân Tâm, thị trấn Sao Vàng",
            "phone": "0237 3 835 000",
            "email": "mttq.saovang@example.vn",
            "tthc_feedback_address": "UBND thị trấn Sao Vàng, khu phố Xuân Tâm",
            "tthc_feedback_phone": "0237 3 835 076",
            "tthc_feedback_email": "motcua.saovang@example.vn",
            "opening_visit_total": 141789,
        },
    },
    {
        # Merged into Sao Vàng in the 2025 reform: its old host answers with a 301.
        "code": "xuanthang",
        "hosts": ["xuanthang.localhost"],
        "merged_into": "saovang",
        "fields": {
            "name": "Xã Xuân Thắng",
            "kind": Commune.Kind.XA,
            "province": "Tỉnh Thanh Hóa",
            "former_district": "Thọ Xuân",
            "title_line": "Trang thông tin điện tử xã Xuân Thắng",
        },
    },
]

DEMO_ROLES = [
    ("bientap", Membership.Role.EDITOR, "Biên tập viên"),
    ("truongban", Membership.Role.BOARD_HEAD, "Trưởng Ban Biên tập"),
    ("quantri", Membership.Role.SITE_ADMIN, "Quản trị trang"),
]


@transaction.atomic
def demo_communes_load(*, password):
    """Create or update the demo communes, their hosts and one account per role.

    Returns the list of (username, role label, commune name or "", host) for printing.
    """
    User = get_user_model()
    communes = {}
    for spec in DEMO_COMMUNES:
        commune, _ = Commune.objects.update_or_create(code=spec["code"], defaults=spec["fields"])
        for index, hostname in enumerate(spec["hosts"]):
            CommuneHost.objects.update_or_create(
                hostname=hostname, defaults={"commune": commune, "is_primary": index == 0}
            )
        communes[spec["code"]] = commune
    for spec in DEMO_COMMUNES:
        target = communes.get(spec.get("merged_into"))
        commune = communes[spec["code"]]
        if commune.merged_into != target:
            commune.merged_into = target
            commune.save()

    accounts = []
    admin, _ = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.vn"})
    admin.is_superuser = admin.is_staff = True
    admin.first_name, admin.last_name = "Quản trị", "hệ thống"
    admin.set_password(password)
    admin.save()
    accounts.append(("admin", "Quản trị hệ thống (toàn bộ)", "", "127.0.0.1"))

    for code in ("thanhmien", "saovang"):
        commune = communes[code]
        for prefix, role, label in DEMO_ROLES:
            username = f"{prefix}.{code}"
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = label, commune.name
            user.set_password(password)
            user.save()
            Membership.objects.update_or_create(user=user, commune=commune, defaults={"role": role})
            accounts.append((username, label, commune.name, commune.primary_host()))
    return accounts
