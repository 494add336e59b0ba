"""An editor of commune A can read or change nothing of commune B, anywhere in the admin."""
from django.contrib import admin
import pytest

from communes.admin_scoping import CommuneScopedAdmin
from communes.models import Membership
from tests.communes.admin_walk import admin_is_classified, admin_leaks, foreign_objects
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    CommuneHostFactory,
    FigureDefinitionFactory,
    MembershipFactory,
    ReportFigureFactory,
    ReportingBodyFactory,
    ReportSummaryFactory,
    TagFactory,
)

HOST = "thanhmien.localhost"
ROLES = [Membership.Role.EDITOR, Membership.Role.BOARD_HEAD, Membership.Role.SITE_ADMIN]


@pytest.fixture
def two_communes(commune_a, commune_b, member_of):
    """Both communes fully populated: people in every role, extra hosts."""
    for role in ROLES:
        member_of(commune_b, role)
    CommuneHostFactory(commune=commune_b, hostname="zeta2.localhost", is_primary=False)
    # One object of every content model for commune B, each carrying a marker in its text.
    category = CategoryFactory(commune=commune_b, name="Chuyên mục Zeta")
    TagFactory(commune=commune_b, name="Thẻ Zeta")
    article = ArticleFactory(commune=commune_b, category=category, title="Bài Bí Mật Zeta",
                             status="draft", published_at=None)
    CommentFactory(article=article, name="Người Zeta", body="Bình luận Bí Mật Zeta")
    body = ReportingBodyFactory(commune=commune_b, name="Hội Zeta")
    report = ReportSummaryFactory(commune=commune_b, body=body, title="Báo cáo Bí Mật Zeta", status="draft")
    ReportFigureFactory(report=report, definition=FigureDefinitionFactory(commune=commune_b, name="Chỉ tiêu Zeta"))
    # Apps with their own admin models add theirs through tests/<app>/scoping.py.
    import importlib

    for app in ("stats", "tthc", "polls"):
        try:
            module = importlib.import_module(f"tests.{app}.scoping")
        except ModuleNotFoundError:
            continue
        module.make_foreign_objects(commune_b)
    return commune_a, commune_b


def test_every_registered_admin_is_scoped_or_platform_only():
    unclassified = [m.__name__ for m, a in admin.site._registry.items() if not admin_is_classified(a)]
    assert unclassified == []


def test_every_scoped_model_names_its_path_to_a_commune():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, CommuneScopedAdmin):
            assert getattr(model, "commune_lookup", None), model.__name__


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_member_of_commune_a_cannot_reach_anything_of_commune_b(client, two_communes, member_of, role):
    commune_a, commune_b = two_communes
    user = member_of(commune_a, role)
    client.force_login(user)
    # Every scoped model has at least one object of B to try to reach.
    for model, model_admin in admin.site._registry.items():
        assert foreign_objects(model, model_admin, commune_b), f"no {model.__name__} of B to test with"
    leaks = admin_leaks(
        client, commune_b,
        markers=["Bí Mật Zeta", "Hoàng Thị Zeta", "zeta2.localhost", "Chuyên mục Zeta", "Thẻ Zeta", "Người Zeta",
                 "Hội Zeta", "Chỉ tiêu Zeta"],
    )
    assert leaks == []


@pytest.mark.django_db
def test_the_walk_finds_a_leak_when_a_queryset_is_left_unscoped(client, two_communes, member_of, monkeypatch):
    """Proves the walk above can fail: unscope the querysets and it must report leaks."""
    commune_a, commune_b = two_communes
    user = member_of(commune_a, Membership.Role.SITE_ADMIN)
    client.force_login(user)
    monkeypatch.setattr(CommuneScopedAdmin, "get_queryset", admin.ModelAdmin.get_queryset)
    monkeypatch.setattr(CommuneScopedAdmin, "_object_in_scope", lambda self, request, obj: True)
    leaks = admin_leaks(client, commune_b, markers=["Bí Mật Zeta"])
    assert any("Commune" in leak or "Bí Mật Zeta" in leak for leak in leaks)


@pytest.mark.django_db
def test_site_admin_edits_own_commune_profile_but_not_its_identity(client, commune_a, member_of):
    user = member_of(commune_a, Membership.Role.SITE_ADMIN)
    client.force_login(user)
    url = f"/quan-tri/communes/commune/{commune_a.pk}/change/"
    page = client.get(url, HTTP_HOST=HOST)
    assert page.status_code == 200
    form = {
        "name": commune_a.name, "title_line": "Trang tin mới", "editorial_head_name": "Vũ Thị Lan",
        "editorial_head_title": "", "address": "", "phone": "", "email": "", "banner_alt": "",
        "tthc_feedback_address": "", "tthc_feedback_phone": "", "tthc_feedback_email": "",
        "former_district": "", "show_today": "on", "show_total": "on",
        "code": "doima", "province": "Tỉnh Khác",
        "hosts-TOTAL_FORMS": "0", "hosts-INITIAL_FORMS": "1", "hosts-MIN_NUM_FORMS": "0", "hosts-MAX_NUM_FORMS": "1000",
        "_save": "1",
    }
    response = client.post(url, form, HTTP_HOST=HOST)
    assert response.status_code == 302, response.content.decode()[:2000]
    commune_a.refresh_from_db()
    assert commune_a.editorial_head_name == "Vũ Thị Lan"
    assert commune_a.title_line == "Trang tin mới"
    assert commune_a.code == "thanhmien" and commune_a.province == "Tỉnh Thanh Hóa"
    assert commune_a.show_online is False and commune_a.show_today is True


@pytest.mark.django_db
def test_editor_cannot_change_even_own_commune_profile(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.EDITOR))
    url = f"/quan-tri/communes/commune/{commune_a.pk}/change/"
    response = client.post(url, {"name": "Đổi tên", "_save": "1"}, HTTP_HOST=HOST)
    assert response.status_code == 403
    commune_a.refresh_from_db()
    assert commune_a.name == "Thị trấn Thanh Miện"


@pytest.mark.django_db
def test_person_on_two_communes_sees_both_and_no_third(client, commune_a, commune_b, member_of):
    third = CommuneHostFactory(commune__code="xathu3", commune__name="Xã Thứ Ba", hostname="xathu3.localhost").commune
    user = member_of(commune_a, Membership.Role.SITE_ADMIN)
    MembershipFactory(user=user, commune=commune_b, role=Membership.Role.EDITOR)
    client.force_login(user)
    body = client.get("/quan-tri/communes/commune/", HTTP_HOST=HOST).content.decode()
    assert "Thị trấn Thanh Miện" in body and "Xã Bí Mật Zeta" in body
    assert "Xã Thứ Ba" not in body
    assert client.get(f"/quan-tri/communes/commune/{third.pk}/change/", HTTP_HOST=HOST).status_code == 302


@pytest.mark.django_db
def test_superuser_sees_every_commune(admin_client, commune_a, commune_b):
    body = admin_client.get("/quan-tri/communes/commune/", HTTP_HOST=HOST).content.decode()
    assert "Thị trấn Thanh Miện" in body and "Xã Bí Mật Zeta" in body


@pytest.mark.django_db
def test_people_without_membership_cannot_use_the_admin(client, commune_a):
    from tests.factories import UserFactory

    user = UserFactory(username="khach")
    assert user.is_staff is False
    client.force_login(user)
    response = client.get("/quan-tri/", HTTP_HOST=HOST)
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]
