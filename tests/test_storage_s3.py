"""Uploaded files on S3-compatible object storage, against a real S3 endpoint: moto's server on 127.0.0.1.

Nothing is mocked: django-storages and boto3 speak HTTP to the server exactly as they would to MinIO
or AWS, and the tests read the buckets back with a plain boto3 client and anonymous HTTP requests.
Public media land in the public bucket with a public-read ACL and plain URLs (under S3_PUBLIC_URL
when set); original report files land in a private bucket or prefix, are refused to anonymous
requests and reach readers only through the report file view.
"""
import logging
import os
from types import SimpleNamespace
import urllib.error
import urllib.request
import uuid

import boto3
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
import pytest

from communes.models import Membership
from mttq_portal.storage_settings import PrivateFileSystemStorage, media_storages, private_storage
from news.models import Article, BodyImage
from reports import services as report_services
from reports.models import ReportSummary
from tests.factories import CategoryFactory, ReportSummaryFactory
from tests.news.test_admin import ADD_URL, _form, _jpeg

HOST = "thanhmien.localhost"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
CREDENTIALS = {"S3_ACCESS_KEY_ID": "moto-test", "S3_SECRET_ACCESS_KEY": "moto-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3 HTTP endpoint on a free port of 127.0.0.1, for this module's tests."""
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    werkzeug_log.setLevel(level)


@pytest.fixture
def s3(s3_endpoint, settings):
    """``s3.use(**environment)`` creates the buckets it names and points STORAGES at them."""
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"], aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
    )

    def use(**environment):
        environment = {"S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": "us-east-1", **CREDENTIALS, **environment}
        for bucket in {environment.get("S3_BUCKET"), environment.get("S3_PRIVATE_BUCKET")} - {None}:
            client.create_bucket(Bucket=bucket)
        settings.STORAGES = {**media_storages(environment), "staticfiles": settings.STORAGES["staticfiles"]}
        return environment

    def keys(bucket):
        return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}

    def public_grants(bucket, key):
        grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        return {g["Permission"] for g in grants if g["Grantee"].get("URI") in (ALL_USERS, AUTHENTICATED_USERS)}

    return SimpleNamespace(client=client, endpoint=s3_endpoint, use=use, keys=keys, public_grants=public_grants)


def bucket_name(purpose):
    return f"mttq-{purpose}-{uuid.uuid4().hex[:12]}"


def anonymous_get(url):
    """(status, content type, body) of a GET without credentials, as a reader's browser makes it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, None, b""


def rendition_names(renditions):
    return {entry[fmt] for entry in renditions.values() for fmt in ("webp", "jpeg")}


@pytest.fixture
def editor(commune_a, member_of):
    return member_of(commune_a, Membership.Role.EDITOR)


@pytest.fixture
def board_head(commune_a, member_of):
    return member_of(commune_a, Membership.Role.BOARD_HEAD)


# -- public media ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_body_image_upload_lands_in_the_public_bucket_with_public_urls(client, s3, editor, settings):
    public, private = bucket_name("media"), bucket_name("private")
    s3.use(S3_BUCKET=public, S3_PRIVATE_BUCKET=private)
    client.force_login(editor)

    response = client.post("/quan-tri/tai-anh/", {"upload": SimpleUploadedFile("anh.jpg", _jpeg(), "image/jpeg")},
                           HTTP_HOST=HOST)

    assert response.status_code == 200, response.content
    image = BodyImage.objects.get()
    stored = {image.image.name} | rendition_names(image.renditions)
    assert len(stored) == 7  # the cleaned original and three sizes in WebP and JPEG
    assert s3.keys(public) == stored
    assert s3.keys(private) == set()
    for key in stored:
        assert s3.public_grants(public, key) == {"READ"}, key
        assert not (settings.MEDIA_ROOT / key).exists()
    url = response.json()["url"]
    assert url == f"{s3.endpoint}/{public}/{image.renditions['content']['jpeg']}"
    status, content_type, body = anonymous_get(url)
    assert (status, content_type) == (200, "image/jpeg") and body.startswith(b"\xff\xd8")


@pytest.mark.django_db
def test_cover_renditions_are_objects_and_the_page_links_the_public_url_base(client, s3, commune_a, board_head):
    public = bucket_name("media")
    s3.use(S3_BUCKET=public, S3_PRIVATE_BUCKET=bucket_name("private"), S3_PUBLIC_URL="https://anh.example.gov.vn/")
    category = CategoryFactory(commune=commune_a, name="Tin tức")
    client.force_login(board_head)
    cover = SimpleUploadedFile("bia.jpg", _jpeg((2000, 1500)), content_type="image/jpeg")

    response = client.post(ADD_URL, _form(commune_a, category, cover=cover, cover_alt="Quang cảnh hội nghị",
                                          _publish="1"), HTTP_HOST=HOST)

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    renditions = rendition_names(article.renditions)
    assert renditions <= s3.keys(public)
    assert all(s3.public_grants(public, key) == {"READ"} for key in renditions)
    head = s3.client.head_object(Bucket=public, Key=article.renditions["content"]["webp"])
    assert head["ContentType"] == "image/webp" and head["CacheControl"].startswith("public")
    client.logout()
    page = client.get(article.get_absolute_url(), HTTP_HOST=HOST).content.decode()
    content = article.renditions["content"]
    assert f'srcset="https://anh.example.gov.vn/{content["webp"]}"' in page
    assert f'src="https://anh.example.gov.vn/{content["jpeg"]}"' in page
    assert f'content="https://anh.example.gov.vn/{article.renditions["og"]["jpeg"]}"' in page  # og:image
    assert s3.endpoint not in page


@pytest.mark.django_db
def test_cover_upload_stores_only_the_cleaned_original_and_renditions(client, s3, commune_a, editor):
    public = bucket_name("media")
    s3.use(S3_BUCKET=public, S3_PRIVATE_BUCKET=bucket_name("private"))
    client.force_login(editor)
    cover = SimpleUploadedFile("bia.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post(ADD_URL, _form(commune_a, CategoryFactory(commune=commune_a), cover=cover,
                                          cover_alt="Quang cảnh hội nghị"), HTTP_HOST=HOST)
    assert response.status_code == 302
    article = Article.objects.get()
    assert s3.keys(public) == {article.cover.name} | rendition_names(article.renditions)


# -- private report files ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("layout", ["private bucket", "private prefix"])
def test_report_original_is_private_and_only_the_view_serves_it(client, s3, commune_a, editor, board_head,
                                                                 settings, layout):
    public = bucket_name("media")
    if layout == "private bucket":
        private, prefix = bucket_name("private"), ""
        s3.use(S3_BUCKET=public, S3_PRIVATE_BUCKET=private)
    else:
        private, prefix = public, "private/"
        s3.use(S3_BUCKET=public)  # same bucket, under the default "private/" prefix
    report = ReportSummaryFactory(commune=commune_a, status=ReportSummary.Status.DRAFT)

    report_services.report_attach_file(report, SimpleUploadedFile("bao-cao-mat.pdf", PDF))
    report_services.report_save(report=report, by=editor)

    name = report.original_file.name
    assert name.startswith("reports/") and "bao-cao-mat" not in name
    key = f"{prefix}{name}"
    assert s3.keys(private) == {key}
    if layout == "private bucket":
        assert s3.keys(public) == set()
    assert s3.public_grants(private, key) == set()
    assert anonymous_get(f"{s3.endpoint}/{private}/{key}")[0] == 403
    assert "X-Amz-Signature=" in report.original_file.url  # any URL is signed and expires
    assert not (settings.PRIVATE_MEDIA_ROOT / name).exists()

    file_url = f"/bao-cao/{report.slug}/tep-goc/"
    assert client.get(file_url, HTTP_HOST=HOST).status_code == 404  # a draft's file is not served

    report_services.report_publish(report=report, by=board_head)
    response = client.get(file_url, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


# -- configuration -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_s3_variables_uploads_stay_on_local_disk(settings, commune_a, editor):
    storages_setting = media_storages({})
    assert storages_setting == {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "mttq_portal.storage_settings.PrivateFileSystemStorage"},
    }
    settings.STORAGES = {**storages_setting, "staticfiles": settings.STORAGES["staticfiles"]}
    assert default_storage.__class__ is FileSystemStorage
    assert default_storage.location == os.path.abspath(settings.MEDIA_ROOT)
    assert private_storage.__class__ is PrivateFileSystemStorage
    assert ReportSummary._meta.get_field("original_file").storage.location == os.path.abspath(
        settings.PRIVATE_MEDIA_ROOT)

    report = ReportSummaryFactory(commune=commune_a, status=ReportSummary.Status.DRAFT)
    report_services.report_attach_file(report, SimpleUploadedFile("bao-cao.pdf", PDF))
    report_services.report_save(report=report, by=editor)
    assert (settings.PRIVATE_MEDIA_ROOT / report.original_file.name).read_bytes() == PDF
    assert default_storage.url("anh.jpg") == "/media/anh.jpg"


def test_settings_without_a_private_entry_keep_private_media_root(settings, tmp_path):
    settings.STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                         "staticfiles": settings.STORAGES["staticfiles"]}
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    assert private_storage.__class__ is PrivateFileSystemStorage
    assert private_storage.location == str(tmp_path)


def test_s3_variables_map_to_a_public_and_a_private_storage():
    storages_setting = media_storages({
        "S3_BUCKET": "mttq-media", "S3_PRIVATE_BUCKET": "mttq-private", "S3_REGION": "ap-southeast-1",
        "S3_PUBLIC_URL": "https://media.example.gov.vn/mttq", "S3_PUBLIC_ACL": "", **CREDENTIALS,
    })
    public, private = storages_setting["default"]["OPTIONS"], storages_setting["private"]["OPTIONS"]
    assert storages_setting["default"]["BACKEND"] == storages_setting["private"]["BACKEND"] == (
        "storages.backends.s3.S3Storage")
    assert (public["bucket_name"], public["url_protocol"], public["custom_domain"]) == (
        "mttq-media", "https:", "media.example.gov.vn/mttq")
    assert public["default_acl"] is None and public["querystring_auth"] is False  # ACL-less bucket, public by policy
    assert public["addressing_style"] is None and public["endpoint_url"] is None  # AWS itself
    assert (private["bucket_name"], private["location"], private["default_acl"]) == ("mttq-private", "", None)
    assert private["custom_domain"] is None and private["querystring_auth"] is True
    assert public["access_key"] == private["access_key"] == "moto-test"


@pytest.mark.parametrize("environment", [
    {"S3_PRIVATE_BUCKET": "mttq-private"},  # S3 half configured
    {"S3_BUCKET": "mttq-media", "S3_PRIVATE_PREFIX": ""},  # private files in the public place
    {"S3_BUCKET": "mttq-media", "S3_PRIVATE_BUCKET": "mttq-media", "S3_PRIVATE_PREFIX": "/"},
    {"S3_BUCKET": "mttq-media", "S3_PUBLIC_URL": "media.example.gov.vn"},  # no scheme
    {"S3_BUCKET": "mttq-media", "S3_ACCESS_KEY_ID": "key-without-secret"},
])
def test_unsafe_or_incomplete_s3_configuration_is_refused(environment):
    with pytest.raises(ImproperlyConfigured):
        media_storages(environment)
