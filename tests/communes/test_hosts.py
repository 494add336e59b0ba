"""The Host header chooses the commune; unknown hosts get a 404; merged communes redirect."""
from django.test import override_settings
import pytest

from communes.models import CommuneHost
from tests.factories import CommuneHostFactory


@pytest.mark.django_db
def test_each_host_serves_its_own_commune(client, commune_a, commune_b):
    page_a = client.get("/", HTTP_HOST="thanhmien.localhost").content.decode()
    page_b = client.get("/", HTTP_HOST="bimatzeta.localhost").content.decode()
    assert "Thị trấn Thanh Miện" in page_a and "Bí Mật Zeta" not in page_a
    assert "Xã Bí Mật Zeta" in page_b and "Thanh Miện" not in page_b
    # The footer comes from the commune's profile.
    assert "Hoàng Thị Zeta" in page_b and "Số 9 đường Zeta" in page_b and "zeta@example.vn" in page_b


@pytest.mark.django_db
def test_host_with_port_and_capitals_finds_the_commune(client, commune_a):
    response = client.get("/", HTTP_HOST="ThanhMien.LOCALHOST:8000")
    assert response.status_code == 200
    assert "Thị trấn Thanh Miện" in response.content.decode()


@pytest.mark.django_db
def test_a_commune_answers_on_several_hosts(client, commune_a):
    CommuneHostFactory(commune=commune_a, hostname="thanhmien.example.gov.vn", is_primary=False)
    response = client.get("/", HTTP_HOST="thanhmien.example.gov.vn")
    assert response.status_code == 200
    assert "Thị trấn Thanh Miện" in response.content.decode()


@pytest.mark.django_db
def test_unknown_host_gets_404_naming_no_commune(client, commune_a, commune_b):
    response = client.get("/", HTTP_HOST="khongco.localhost")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang thông tin" in body
    assert "khongco.localhost" in body
    assert "Thanh Miện" not in body and "Zeta" not in body


@pytest.mark.django_db
def test_unknown_host_cannot_reach_the_admin_either(client, commune_a):
    assert client.get("/quan-tri/login/", HTTP_HOST="khongco.localhost").status_code == 404


@pytest.mark.django_db
def test_unknown_host_script_in_host_header_is_escaped(client, commune_a):
    with override_settings(ALLOWED_HOSTS=["*"]):
        response = client.get("/", HTTP_HOST="a<script>.localhost")
    # Django itself refuses a host that is not a valid host name (400), never echoing it raw.
    assert b"<script>" not in response.content


@pytest.mark.django_db
def test_merged_commune_redirects_permanently_keeping_path_and_query(client, commune_a, commune_b):
    old = CommuneHostFactory(commune__code="xuanthang", commune__name="Xã Xuân Thắng", hostname="xuanthang.localhost")
    old.commune.merged_into = commune_b
    old.commune.save()
    response = client.get("/tin-tuc/bai-viet?trang=2", HTTP_HOST="xuanthang.localhost:8000")
    assert response.status_code == 301
    assert response["Location"] == "http://bimatzeta.localhost:8000/tin-tuc/bai-viet?trang=2"


@pytest.mark.django_db
def test_merger_chain_redirects_to_the_last_absorbing_commune(client, commune_a, commune_b):
    first = CommuneHostFactory(commune__code="xa1", hostname="xa1.localhost").commune
    second = CommuneHostFactory(commune__code="xa2", hostname="xa2.localhost").commune
    second.merged_into = commune_a
    second.save()
    first.merged_into = second
    first.save()
    response = client.get("/", HTTP_HOST="xa1.localhost")
    assert response.status_code == 301
    assert response["Location"] == "http://thanhmien.localhost/"


@pytest.mark.django_db
def test_inactive_commune_answers_404(client, commune_a):
    commune_a.is_active = False
    commune_a.save()
    assert client.get("/", HTTP_HOST="thanhmien.localhost").status_code == 404


@pytest.mark.django_db
def test_host_changes_take_effect_at_once_despite_the_cache(client, commune_a, commune_b):
    assert client.get("/", HTTP_HOST="moi.localhost").status_code == 404  # cached as unknown
    host = CommuneHost.objects.create(commune=commune_a, hostname="moi.localhost")
    assert client.get("/", HTTP_HOST="moi.localhost").status_code == 200
    host.commune = commune_b
    host.save()
    assert "Bí Mật Zeta" in client.get("/", HTTP_HOST="moi.localhost").content.decode()
    host.delete()
    assert client.get("/", HTTP_HOST="moi.localhost").status_code == 404


@pytest.mark.django_db
def test_profile_edit_shows_at_once_despite_the_cache(client, commune_a):
    client.get("/", HTTP_HOST="thanhmien.localhost")
    commune_a.editorial_head_name = "Đỗ Văn Mới"
    commune_a.save()
    assert "Đỗ Văn Mới" in client.get("/", HTTP_HOST="thanhmien.localhost").content.decode()


@pytest.mark.django_db
def test_merging_takes_effect_at_once(client, commune_a, commune_b):
    assert client.get("/", HTTP_HOST="bimatzeta.localhost").status_code == 200
    commune_b.merged_into = commune_a
    commune_b.save()
    response = client.get("/", HTTP_HOST="bimatzeta.localhost")
    assert response.status_code == 301
    assert response["Location"] == "http://thanhmien.localhost/"


@pytest.mark.django_db
def test_health_check_answers_on_any_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_unknown_path_on_a_known_host_gets_the_communes_404(client, commune_a):
    response = client.get("/khong-co-trang-nay/", HTTP_HOST="thanhmien.localhost")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in body and "Thị trấn Thanh Miện" in body


@pytest.mark.django_db
def test_hostname_validation_refuses_urls_and_ports(commune_a):
    from django.core.exceptions import ValidationError

    for bad in ["http://x.vn", "x.vn:8000", "xã.vn", "", "a b.vn"]:
        with pytest.raises(ValidationError):
            CommuneHost(commune=commune_a, hostname=bad).full_clean()
    CommuneHost(commune=commune_a, hostname="thanhmien.haiduong.gov.vn").full_clean()


@pytest.mark.django_db
def test_one_primary_host_per_commune(commune_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneHost.objects.create(commune=commune_a, hostname="khac.localhost", is_primary=True)
