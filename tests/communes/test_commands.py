from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
import pytest

from communes.models import Commune, Membership


@pytest.mark.django_db
def test_operator_adds_a_commune_and_its_editor_from_the_command_line(client):
    out = StringIO()
    call_command(
        "add_commune", "--code", "phulu", "--name", "Thị trấn Phố Lu", "--kind", "thi_tran",
        "--province", "Tỉnh Lào Cai", "--host", "phulu.localhost", "--host", "phulu.example.gov.vn", stdout=out,
    )
    commune = Commune.objects.get(code="phulu")
    assert commune.title_line == "Trang thông tin điện tử thị trấn Phố Lu"
    assert commune.primary_host() == "phulu.localhost"
    call_command(
        "add_member", "--username", "bientap.phulu", "--commune", "phulu", "--role", "editor",
        "--password", "mat-khau-rat-dai-2026", stdout=out,
    )
    assert Membership.objects.get(user__username="bientap.phulu").role == "editor"
    assert "Phố Lu" in client.get("/", HTTP_HOST="phulu.example.gov.vn").content.decode()


@pytest.mark.django_db
def test_add_commune_refuses_a_bad_host_in_vietnamese_and_creates_nothing():
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command(
            "add_commune", "--code", "xaloi", "--name", "Xã Lỗi", "--province", "Tỉnh A",
            "--host", "http://xaloi.vn:80", stdout=StringIO(),
        )
    assert not Commune.objects.filter(code="xaloi").exists()


@pytest.mark.django_db
def test_add_member_refuses_an_unknown_commune():
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("add_member", "--username", "a", "--commune", "khongco", "--role", "editor")
