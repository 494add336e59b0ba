"""`manage.py sync_tthc` for cron: Vietnamese output, failures on stderr, a meaningful exit status."""
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
import pytest

from tests.tthc.conftest import opencps_good
from tests.tthc.factories import TthcConnectionFactory, TthcResultFactory
from tthc.models import TthcResult


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("sync_tthc", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as error:
        status = error.returncode
        err.write(str(error))
    return status, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_nothing_to_do_is_said_and_succeeds(commune_a):
    TthcConnectionFactory(commune=commune_a, is_enabled=False)
    status, out, _ = run()
    assert status == 0 and "Không có đơn vị nào bật kết nối Dịch vụ công tỉnh" in out


@pytest.mark.django_db
def test_every_enabled_commune_is_synced(commune_a, commune_b, province):
    province.route("/o/rest/statistics", opencps_good)
    TthcConnectionFactory(commune=commune_a, base_url=province.url)
    TthcConnectionFactory(commune=commune_b, base_url=province.url, agency_code="")
    status, out, err = run("--year", "2025", "--month", "11")
    assert status == 0, err
    assert "Đồng bộ kết quả giải quyết TTHC tháng 11/2025 cho 2 đơn vị." in out
    assert "Thị trấn Thanh Miện: Đã đồng bộ 3 dòng: 3 dòng mới" in out
    assert "Xã Bí Mật Zeta: Đã đồng bộ 3 dòng" in out
    assert "Xong: 2 đơn vị đồng bộ thành công." in out and err == ""
    assert TthcResult.objects.filter(commune=commune_b, year=2025, month=11).count() == 3


@pytest.mark.django_db
def test_one_commune_only(commune_a, commune_b, province):
    province.route("/o/rest/statistics", opencps_good)
    TthcConnectionFactory(commune=commune_a, base_url=province.url)
    TthcConnectionFactory(commune=commune_b, base_url=province.url)
    status, out, _ = run("--commune", "thanhmien", "--year", "2025", "--month", "10")
    assert status == 0 and "cho 1 đơn vị" in out and "Bí Mật Zeta" not in out
    assert not TthcResult.objects.filter(commune=commune_b).exists()


@pytest.mark.django_db
def test_a_failure_exits_1_keeps_the_old_figures_and_says_why_on_stderr(commune_a, commune_b, province):
    province.route("/o/rest/statistics", opencps_good)
    province.route("/hong/o/rest/statistics", lambda q: (500, b""))
    TthcConnectionFactory(commune=commune_a, base_url=province.url)
    TthcConnectionFactory(commune=commune_b, base_url=province.url + "/hong", retries=1)
    kept = TthcResultFactory(commune=commune_b, year=2025, month=11)
    status, out, err = run("--year", "2025", "--month", "11")
    assert status == 1
    assert "Thị trấn Thanh Miện: Đã đồng bộ" in out
    assert ("Xã Bí Mật Zeta: LỖI — Không lấy được số liệu: máy chủ báo lỗi HTTP 500 (đã thử 2 lần). "
            "Số liệu cũ được giữ nguyên.") in err
    assert "1/2 đơn vị đồng bộ không thành công." in err
    assert TthcResult.objects.get(pk=kept.pk).updated_at == kept.updated_at


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (["--commune", "khongco"], "Không có đơn vị mã «khongco»."),
    (["--commune", "thanhmien"], "Thị trấn Thanh Miện chưa bật kết nối Dịch vụ công tỉnh."),
    (["--year", "2025"], "Hãy dùng --year và --month cùng nhau."),
    (["--year", "2025", "--month", "13"], "Tháng phải từ 1 đến 12 (đang là 13)."),
])
def test_wrong_arguments_exit_2_in_vietnamese(commune_a, args, message):
    status, _, err = run(*args)
    assert status == 2 and message in err
