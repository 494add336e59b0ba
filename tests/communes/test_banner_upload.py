"""A banner upload is checked by its content: a renamed file is refused in Vietnamese."""
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
import pytest

from communes.models import Membership

HOST = "thanhmien.localhost"


def _profile_form(commune, **extra):
    form = {
        "name": commune.name, "title_line": commune.title_line, "editorial_head_name": "",
        "editorial_head_title": "", "address": "", "phone": "", "email": "", "banner_alt": "",
        "tthc_feedback_address": "", "tthc_feedback_phone": "", "tthc_feedback_email": "",
        "former_district": "", "show_today": "on",
        "hosts-TOTAL_FORMS": "0", "hosts-INITIAL_FORMS": "1", "hosts-MIN_NUM_FORMS": "0",
        "hosts-MAX_NUM_FORMS": "1000", "_save": "1",
    }
    form.update(extra)
    return form


def _png_bytes():
    buffer = BytesIO()
    Image.new("RGB", (600, 100), (165, 14, 14)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_text_file_named_jpg_is_refused_and_the_other_edits_are_kept_on_the_form(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.SITE_ADMIN))
    fake = SimpleUploadedFile("bang-ron.jpg", b"<?php echo 'xin chao'; ?>", content_type="image/jpeg")
    response = client.post(
        f"/quan-tri/communes/commune/{commune_a.pk}/change/",
        _profile_form(commune_a, banner=fake, banner_alt="Cổng làng", address="Địa chỉ mới chưa lưu"),
        HTTP_HOST=HOST,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "không phải là hình ảnh" in body or "không phải là ảnh hợp lệ" in body
    assert "Địa chỉ mới chưa lưu" in body  # what the person typed is still on the page
    commune_a.refresh_from_db()
    assert not commune_a.banner


@pytest.mark.django_db
def test_real_image_is_accepted_but_needs_alt_text(client, commune_a, member_of):
    client.force_login(member_of(commune_a, Membership.Role.SITE_ADMIN))
    url = f"/quan-tri/communes/commune/{commune_a.pk}/change/"
    upload = SimpleUploadedFile("anh.png", _png_bytes(), content_type="image/png")
    response = client.post(url, _profile_form(commune_a, banner=upload), HTTP_HOST=HOST)
    assert "Hãy nhập mô tả cho ảnh băng rôn" in response.content.decode()
    upload = SimpleUploadedFile("anh.png", _png_bytes(), content_type="image/png")
    form = _profile_form(commune_a, banner=upload, banner_alt="Cổng chào thị trấn")
    response = client.post(url, form, HTTP_HOST=HOST)
    assert response.status_code == 302
    commune_a.refresh_from_db()
    assert commune_a.banner.name.startswith("banners/")
    page = client.get("/", HTTP_HOST=HOST).content.decode()
    assert 'alt="Cổng chào thị trấn"' in page
