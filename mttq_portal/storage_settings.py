"""Where uploaded files live: local disk by default, S3-compatible object storage when configured.

Several app servers behind one load balancer cannot share a local ``MEDIA_ROOT``: a photo uploaded
through one would be missing on the others. Setting ``S3_BUCKET`` moves every upload to object
storage (AWS S3, MinIO, Ceph, Cloudflare R2, Viettel/VNPT/FPT object storage…) through
django-storages, with two storages named in ``STORAGES``:

* ``"default"``: public media (article covers, gallery and body photos and their renditions,
  commune banners). Objects get a public-read ACL (``S3_PUBLIC_ACL``) and their URLs are plain,
  unsigned and stable, under ``S3_PUBLIC_URL`` (a CDN or custom domain) when it is set.
* ``"private"``: original report files. Never a public ACL; any URL the storage makes is signed and
  short-lived. Readers get these files only through ``reports.views.report_file``, which checks
  the report is published on that commune and streams the file through the storage API.

Without ``S3_BUCKET`` both are on local disk exactly as before: ``MEDIA_ROOT`` (served under
``/media/``) and ``PRIVATE_MEDIA_ROOT`` (never served directly).

``media_storages(os.environ)`` is called from the settings and returns those two entries;
nothing here imports boto3, so settings stay cheap to load.
"""
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, cached_property, empty

PRIVATE_STORAGE_ALIAS = "private"
LOCAL_PRIVATE_BACKEND = "mttq_portal.storage_settings.PrivateFileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"

DEFAULT_PRIVATE_PREFIX = "private"
DEFAULT_CACHE_CONTROL = "public, max-age=2592000"  # 30 days; names are random and never reused
PRIVATE_URL_SECONDS = 300
# Reading a private file (the download view) buffers it in memory up to this size, then on disk.
PRIVATE_READ_MEMORY_BYTES = 5 * 1024 * 1024


def media_storages(environ):
    """Return the ``"default"`` and ``"private"`` entries of ``STORAGES`` for this environment.

    ``environ`` is ``os.environ`` in the settings and a plain dict in tests. Raises
    ``ImproperlyConfigured`` for a configuration that would publish private files or cannot work.
    """
    bucket = _get(environ, "S3_BUCKET")
    if not bucket:
        for name in ("S3_PRIVATE_BUCKET", "S3_PRIVATE_PREFIX", "S3_ENDPOINT_URL", "S3_PUBLIC_URL"):
            if _get(environ, name):
                raise ImproperlyConfigured(f"{name} is set but S3_BUCKET is not: set S3_BUCKET to use object storage.")
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            PRIVATE_STORAGE_ALIAS: {"BACKEND": LOCAL_PRIVATE_BACKEND},
        }

    access_key, secret_key = _get(environ, "S3_ACCESS_KEY_ID"), _get(environ, "S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither.")
    endpoint_url = _get(environ, "S3_ENDPOINT_URL")
    common = {
        "region_name": _get(environ, "S3_REGION") or None,
        "endpoint_url": endpoint_url or None,
        "signature_version": "s3v4",
        # Most S3-compatible servers (MinIO, Ceph…) are addressed as endpoint/bucket/key; AWS itself
        # (no endpoint) prefers bucket.s3.amazonaws.com, which boto3 picks when left to "auto".
        "addressing_style": _get(environ, "S3_ADDRESSING_STYLE") or ("path" if endpoint_url else None),
        # Like FileSystemStorage: a name already taken gets a suffix instead of replacing the file.
        "file_overwrite": False,
    }
    if access_key:  # otherwise boto3's own chain: AWS_* variables, ~/.aws, the instance's role
        common.update(access_key=access_key, secret_key=secret_key)

    public_acl = _get(environ, "S3_PUBLIC_ACL", "public-read")
    public = {
        **common,
        "bucket_name": bucket,
        "location": "",
        "default_acl": None if public_acl.lower() in ("", "none") else public_acl,
        "querystring_auth": False,
        "object_parameters": {"CacheControl": _get(environ, "S3_CACHE_CONTROL", DEFAULT_CACHE_CONTROL)},
    }
    public.update(_public_url_options(_get(environ, "S3_PUBLIC_URL")))

    private_bucket = _get(environ, "S3_PRIVATE_BUCKET") or bucket
    default_prefix = DEFAULT_PRIVATE_PREFIX if private_bucket == bucket else ""
    private_prefix = _get(environ, "S3_PRIVATE_PREFIX", default_prefix).strip("/")
    if private_bucket == bucket and not private_prefix:
        raise ImproperlyConfigured(
            "Private report files would share the public media's place in the bucket: set S3_PRIVATE_BUCKET "
            "to another bucket, or S3_PRIVATE_PREFIX to a non-empty prefix."
        )
    private = {
        **common,
        "bucket_name": private_bucket,
        "location": private_prefix,
        "default_acl": None,  # no ACL sent: S3 objects are private to the bucket owner by default
        "custom_domain": None,  # never the public base URL
        "querystring_auth": True,  # any URL is signed…
        "querystring_expire": PRIVATE_URL_SECONDS,  # …and short-lived
        "object_parameters": {"ContentDisposition": "attachment", "CacheControl": "private, no-store"},
        "max_memory_size": PRIVATE_READ_MEMORY_BYTES,
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": public},
        PRIVATE_STORAGE_ALIAS: {"BACKEND": S3_BACKEND, "OPTIONS": private},
    }


def _get(environ, name, default=""):
    value = environ.get(name)
    return default if value is None else value.strip()


def _public_url_options(public_url):
    """``S3_PUBLIC_URL`` (e.g. ``https://media.example.gov.vn``) as django-storages' two options."""
    if not public_url:
        return {}
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"S3_PUBLIC_URL must be an http(s) address such as https://media.example.gov.vn, not {public_url!r}."
        )
    return {"url_protocol": f"{parts.scheme}:", "custom_domain": f"{parts.netloc}{parts.path}".rstrip("/")}


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage of private files: ``PRIVATE_MEDIA_ROOT``, read when used (like ``MEDIA_ROOT`` for
    FileSystemStorage) so a settings file or test that changes it is followed."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class PrivateStorage(LazyObject):
    """The ``"private"`` storage, resolved on first use (like ``default_storage``).

    A settings file whose ``STORAGES`` has no ``"private"`` entry gets local ``PRIVATE_MEDIA_ROOT``.
    """

    def _setup(self):
        try:
            self._wrapped = storages[PRIVATE_STORAGE_ALIAS]
        except InvalidStorageError:
            self._wrapped = PrivateFileSystemStorage()


private_storage = PrivateStorage()


def _private_storage_reset(*, setting, **kwargs):
    """Follow ``override_settings(STORAGES=…)``, as Django does for ``default_storage``."""
    if setting == "STORAGES":
        private_storage._wrapped = empty


setting_changed.connect(_private_storage_reset)
