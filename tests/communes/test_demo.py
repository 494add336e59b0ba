from io import StringIO

from django.core.management import call_command
import pytest

from communes.models import Commune, CommuneHost, Membership


@pytest.mark.django_db
def test_load_demo_builds_two_communes_with_an_account_per_role_and_is_repeatable(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())  # a second run updates, never duplicates
    assert Commune.objects.filter(code__in=["thanhmien", "saovang"]).count() == 2
    assert CommuneHost.objects.filter(hostname__in=["thanhmien.localhost", "saovang.localhost"]).count() == 2
    for code in ["thanhmien", "saovang"]:
        roles = set(Membership.objects.filter(commune__code=code).values_list("role", flat=True))
        assert roles == {r.value for r in Membership.Role}
    text = out.getvalue()
    assert "bientap.thanhmien" in text and "truongban.saovang" in text and "mttq-demo-2026" in text
    assert client.login(username="bientap.saovang", password="mttq-demo-2026")
    assert "Thị trấn Sao Vàng" in client.get("/", HTTP_HOST="saovang.localhost").content.decode()
    assert client.get("/", HTTP_HOST="127.0.0.1").status_code == 200
    redirect = client.get("/", HTTP_HOST="xuanthang.localhost")
    assert redirect.status_code == 301 and redirect["Location"] == "http://saovang.localhost/"
