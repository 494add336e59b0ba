"""Typing figures in the admin, the list of months with their rates, and the connection
settings (site administrators only; the token is never shown back)."""
from django.contrib.auth.models import Group
import pytest

from communes.models import Membership
from communes.roles import ROLE_GROUP_NAMES, ensure_role_groups
from tests.tthc.conftest import opencps_good
from tests.tthc.factories import TthcConnectionFactory, TthcResultFactory
from tthc.models import Source, TthcConnection, TthcResult

HOST = "thanhmien.localhost"
RESULTS = "/quan-tri/tthc/tthcresult/"
CONNECTIONS = "/quan-tri/tthc/tthcconnection/"
TOKEN = "tok-bi-mat-rat-dai-0123456789-abcd"


def _form(commune, **changes):
    data = {"commune": commune.pk, "year": 2025, "month": 3, "field_name": "Đất đai", "field_code": "",
            "carried_over_count": 4, "received_count": 52, "resolved_count": 50, "early_count": 12,
            "on_time_count": 36, "late_count": 2, "in_progress_count": 6, "_save": "1"}
    data.update(changes)
    return data


def test_roles_get_the_permissions_the_issue_asks_for(db):
    ensure_role_groups()  # what runs after every migrate
    perms = {role: set(Group.objects.get(name=name).permissions.filter(content_type__app_label="tthc")
                       .values_list("codename", flat=True)) for role, name in ROLE_GROUP_NAMES.items()}
    assert perms[Membership.Role.EDITOR] == {"view_tthcresult"}
    # The board head and site administrator may also delete a mistyped month.
    assert perms[Membership.Role.BOARD_HEAD] == {
        "view_tthcresult", "add_tthcresult", "change_tthcresult", "delete_tthcresult",
    }
    assert perms[Membership.Role.SITE_ADMIN] == {
        "view_tthcresult", "add_tthcresult", "change_tthcresult", "delete_tthcresult",
        "view_tthcconnection", "add_tthcconnection", "change_tthcconnection",
    }


@pytest.mark.django_db
def test_board_head_types_a_month_and_sees_it_listed_with_its_rates(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    assert client.get(RESULTS + "add/", HTTP_HOST=HOST).status_code == 200
    response = client.post(RESULTS + "add/", _form(commune_a), HTTP_HOST=HOST)
    assert response.status_code == 302, response.content.decode()[:3000]
    result = TthcResult.objects.get(commune=commune_a)
    assert result.field_code == "dat-dai" and result.source == Source.MANUAL
    listing = client.get(RESULTS, HTTP_HOST=HOST).content.decode()
    assert "3/2025" in listing and "Đất đai" in listing
    assert "96% (trước &amp; đúng hạn / đã giải quyết)" in listing and "4% (trễ hạn / đã giải quyết)" in listing


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "message"), [
    ({"late_count": 51}, "Trễ hạn (51) không thể lớn hơn đã giải quyết (50)."),
    ({"on_time_count": 30}, "Trước hạn (12) + đúng hạn (30) + trễ hạn (2) = 44, phải bằng đã giải quyết (50)."),
    ({"received_count": -5}, "Tiếp nhận không được là số âm (đang là -5)."),
    ({"month": 13}, "Tháng phải từ 1 đến 12 (đang là 13)."),
    ({"year": 1999}, "Năm phải từ 2000 đến"),
])
def test_typed_figures_that_cannot_be_true_are_refused_and_kept_on_the_form(client, commune_a, member_of, changes,
                                                                             message):
    client.force_login(member_of(commune_a, Membership.Role.SITE_ADMIN))
    response = client.post(RESULTS + "add/", _form(commune_a, **changes), HTTP_HOST=HOST)
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert body.count("errorlist") >= 1 and 'value="Đất đai"' in body  # what was typed stays
    assert not TthcResult.objects.exists()


@pytest.mark.django_db
def test_the_same_month_and_field_typed_twice_is_refused(client, commune_a, member_of):
    TthcResultFactory(commune=commune_a, year=2025, month=3, field_name="Đất đai")
    client.force_login(member_of(commune_a, Membership.Role.BOARD_HEAD))
    response = client.post(RESULTS + "add/", _form(commune_a), HTTP_HOST=HOST)
    assert "Đã có số liệu tháng 3/2025 cho «Đất đai»; hãy sửa dòng đã có." in response.content.decode()
    assert TthcResult.objects.count() == 1


@pytest.mark.django_db
def test_editor_reads_figures_but_cannot_type_them(client, commune_a, member_of):
    result = TthcResultFactory(commune=commune_a)
    client.force_login(member_of(commune_a, Membership.Role.EDITOR))
    assert client.get(RESULTS, HTTP_HOST=HOST).status_code == 200
    assert client.get(RESULTS + "add/", HTTP_HOST=HOST).status_code == 403
    response = client.post(f"{RESULTS}{result.pk}/change/", _form(commune_a, received_count=1), HTTP_HOST=HOST)
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.received_count == 52


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Membership.Role.EDITOR, Membership.Role.BOARD_HEAD])
def test_only_the_site_administrator_reaches_the_connection(client, commune_a, member_of, role):
    TthcConnectionFactory(commune=commune_a, token=TOKEN)
    client.force_login(member_of(commune_a, role))
    assert client.get(CONNECTIONS, HTTP_HOST=HOST).status_code == 403
    assert client.get(CONNECTIONS + "add/", HTTP_HOST=HOST).status_code == 403


@pytest.mark.django_db
def test_the_token_is_never_shown_back_and_an_empty_box_keeps_it(client, commune_a, member_of):
    connection = TthcConnectionFactory(commune=commune_a, token=TOKEN)
    client.force_login(member_of(commune_a, Membership.Role.SITE_ADMIN))
    url = f"{CONNECTIONS}{connection.pk}/change/"
    page = client.get(url, HTTP_HOST=HOST).content.decode()
    assert TOKEN not in page and TOKEN[:-4] not in page and "đã lưu (…abcd)" in page
    assert TOKEN not in client.get(CONNECTIONS, HTTP_HOST=HOST).content.decode()
    form = {"rate_basis": "to_process", "is_enabled": "on", "provider": "json", "base_url": "https://tinh.example.vn/tthc.json",
            "group_id": "", "agency_code": "UBND-TT", "new_token": "", "timeout_seconds": 5, "retries": 1,
            "backoff_seconds": "0,5", "_save": "1"}
    response = client.post(url, form, HTTP_HOST=HOST)
    assert response.status_code == 302, response.content.decode()[:3000]
    connection.refresh_from_db()
    assert connection.token == TOKEN and connection.provider == "json" and str(connection.backoff_seconds) == "0.50"
    client.post(url, {**form, "new_token": "moi-0000000000000000-wxyz"}, HTTP_HOST=HOST)
    connection.refresh_from_db()
    assert connection.token == "moi-0000000000000000-wxyz"
    client.post(url, {**form, "clear_token": "on"}, HTTP_HOST=HOST)
    connection.refresh_from_db()
    assert connection.token == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "message"), [
    ({"timeout_seconds": 0}, "Thời gian chờ từ 1 đến 30 giây."),
    ({"timeout_seconds": 31}, "Thời gian chờ từ 1 đến 30 giây."),
    ({"retries": 6}, "Số lần thử lại từ 0 đến 5."),
    ({"base_url": "ftp://tinh.example.vn"}, "Địa chỉ phải bắt đầu bằng http:// hoặc https://."),
    ({"base_url": ""}, "Hãy nhập địa chỉ máy chủ trước khi bật kết nối."),
])
def test_connection_settings_are_bounded(client, commune_a, member_of, changes, message):
    client.force_login(member_of(commune_a, Membership.Role.SITE_ADMIN))
    form = {"commune": commune_a.pk, "rate_basis": "resolved", "is_enabled": "on", "provider": "opencps",
            "base_url": "https://dichvucong.example.vn", "group_id": "1", "agency_code": "X", "timeout_seconds": 10,
            "retries": 2, "backoff_seconds": "1", "_save": "1", **changes}
    response = client.post(CONNECTIONS + "add/", form, HTTP_HOST=HOST)
    assert response.status_code == 200 and message in response.content.decode()
    assert not TthcConnection.objects.exists()


@pytest.mark.django_db
def test_sync_now_pulls_at_once_and_reports_in_vietnamese(client, commune_a, member_of, province):
    province.route("/o/rest/statistics", opencps_good)
    connection = TthcConnectionFactory(commune=commune_a, base_url=province.url, retries=5, timeout_seconds=30)
    client.force_login(member_of(commune_a, Membership.Role.SITE_ADMIN))
    response = client.post(CONNECTIONS, {"action": "sync_now", "_selected_action": [connection.pk]},
                           HTTP_HOST=HOST, follow=True)
    body = response.content.decode()
    assert "Thị trấn Thanh Miện: Đã đồng bộ 6 dòng: 6 dòng mới" in body
    assert TthcResult.objects.filter(commune=commune_a, source=Source.OPENCPS).count() == 6
    province.route("/o/rest/statistics", lambda q: (500, b""))
    requests_before = province.count()
    body = client.post(CONNECTIONS, {"action": "sync_now", "_selected_action": [connection.pk]},
                       HTTP_HOST=HOST, follow=True).content.decode()
    assert "Không lấy được số liệu: máy chủ báo lỗi HTTP 500." in body
    assert province.count() - requests_before == 1  # no retries inside a web request
    connection.refresh_from_db()
    assert connection.status == TthcConnection.Status.ERROR
    listing = client.get(CONNECTIONS, HTTP_HOST=HOST).content.decode()
    assert "Lỗi kết nối lúc" in listing
