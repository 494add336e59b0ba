"""Error pages speak Vietnamese and keep the site's look."""
from django.test import Client
import pytest


@pytest.mark.django_db
def test_404_is_vietnamese_in_the_communes_layout(client, commune_a):
    response = client.get("/khong-co-trang-nay/", HTTP_HOST="thanhmien.localhost")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in body and commune_a.title_line in body and "<footer" in body


@pytest.mark.django_db
def test_csrf_failure_is_vietnamese_and_says_nothing_is_lost(commune_a):
    from tests.factories import ArticleFactory

    article = ArticleFactory(commune=commune_a)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(article.get_absolute_url(), {"name": "An", "body": "Ý kiến"},
                           HTTP_HOST="thanhmien.localhost")
    body = response.content.decode()
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in body and "Nội dung bạn đã nhập vẫn còn" in body


@pytest.mark.django_db
def test_403_is_vietnamese(client, commune_a, member_of):
    from communes.models import Membership

    client.force_login(member_of(commune_a, Membership.Role.EDITOR))
    response = client.post(f"/quan-tri/communes/commune/{commune_a.pk}/change/", {"name": "x"},
                           HTTP_HOST="thanhmien.localhost")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


def test_500_page_is_vietnamese_and_needs_no_database():
    from django.test import RequestFactory

    from mttq_portal.views import server_error

    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in body and "site" in body and 'lang="vi"' in body
