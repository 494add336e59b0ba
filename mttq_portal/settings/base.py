"""Settings shared by every environment.

Everything that differs between a laptop and a server is read from the environment, and
the defaults are the safe ones: DEBUG is off unless asked for, cookies are secure, and a
missing SECRET_KEY stops a production start instead of running with a known key.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from mttq_portal.storage_settings import media_storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_ckeditor_5",
    "captcha",
    "mttq_portal",
    "communes",
    "news",
    "reports",
    "stats",
    "tthc",
    "polls",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Chooses the commune from the Host header; an unknown host stops here with a 404.
    "communes.middleware.CommuneMiddleware",
    # Whole public pages for anonymous readers, per site, in the shared cache (mttq_portal.page_cache).
    "mttq_portal.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mttq_portal.urls"
WSGI_APPLICATION = "mttq_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "communes.context_processors.commune",
                "news.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default so that a newcomer needs no server; DATABASE_URL
# (postgres://user@host:port/name) switches to PostgreSQL, which production and CI use.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DB_JIT", False):
    # PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost: 40-50 ms of
    # compiling for a search that runs in 10 ms (a plan's estimate counts branches that the query
    # then skips). These pages run short queries only; DB_JIT=1 leaves the server's setting.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, [_options.get("options", ""), "-c jit=off"]))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mttq"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    # Without Redis the cache must still be shared by every worker process of this machine (the
    # page cache's invalidation, rate limits, the counter box): files on local disk. For several
    # machines, set REDIS_URL.
    CACHES = {
        "default": {
            "BACKEND": "mttq_portal.file_cache.SharedFileCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mttq"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Let Django serve MEDIA_ROOT itself (`make run` on one machine); production leaves it to nginx.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Files served only through views that check permissions (original report files); never by nginx.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))

# Uploads on local disk, or on S3-compatible object storage when S3_BUCKET is set (public media
# and private report files apart): see mttq_portal/storage_settings.py and the README.
STORAGES = {
    **media_storages(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: phone photos are 4-12 MB; refuse anything far beyond before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Paths answered on any host, known or not (load balancer health checks).
COMMUNE_EXEMPT_PATHS = ["/healthz"]
# How long a host -> commune lookup stays cached; saves of communes and hosts clear it.
COMMUNE_HOST_CACHE_SECONDS = int(os.environ.get("COMMUNE_HOST_CACHE_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}


def require_secret_key():
    """Production refuses to start without a real secret."""
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
CSRF_FAILURE_VIEW = "mttq_portal.views.csrf_failure"

# Reader comments: per-address rate (django-ratelimit syntax) and the captcha.
COMMENT_RATE = os.environ.get("COMMENT_RATE", "5/10m")
# Poll votes allowed per address (django-ratelimit syntax), across all polls.
POLL_VOTE_RATE = os.environ.get("POLL_VOTE_RATE", "10/h")
CAPTCHA_LENGTH = 5
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"
CAPTCHA_LETTER_ROTATION = (-25, 25)
CAPTCHA_IMAGE_SIZE = (150, 50)
CAPTCHA_FONT_SIZE = 34
CAPTCHA_TIMEOUT = 10  # minutes
RATELIMIT_VIEW = "mttq_portal.views.rate_limited"

# CKEditor 5 in the admin. Whatever it sends is sanitised again on the server (news.sanitize).
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "body_image_upload"
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CKEDITOR_5_CONFIGS = {
    "default": {"toolbar": ["bold", "italic", "link", "bulletedList", "numberedList"]},
    "article": {
        "language": "vi",
        "toolbar": [
            "heading", "|", "bold", "italic", "underline", "link", "|", "bulletedList", "numberedList",
            "blockQuote", "insertTable", "imageUpload", "|", "undo", "redo", "removeFormat",
        ],
        "heading": {
            "options": [
                {"model": "paragraph", "title": "Đoạn văn", "class": "ck-heading_paragraph"},
                {"model": "heading2", "view": "h2", "title": "Tiêu đề mục", "class": "ck-heading_heading2"},
                {"model": "heading3", "view": "h3", "title": "Tiêu đề nhỏ", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "Tiêu đề nhỏ hơn", "class": "ck-heading_heading4"},
            ]
        },
        "image": {
            "toolbar": ["imageTextAlternative", "toggleImageCaption", "|", "imageStyle:alignLeft",
                        "imageStyle:alignCenter", "imageStyle:alignRight"],
            "styles": ["alignLeft", "alignCenter", "alignRight"],
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
        "link": {"addTargetToExternalLinks": False, "defaultProtocol": "https://"},
    },
}
FORMAT_MODULE_PATH = ["mttq_portal.formats"]

# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses), e.g. "127.0.0.1".
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# How long the TTHC side box is cached per commune (every change clears it at once).
TTHC_BOX_CACHE_SECONDS = int(os.environ.get("TTHC_BOX_CACHE_SECONDS", "300"))

# Form widgets render through TEMPLATES, so templates/captcha/widgets/captcha.html can replace the
# package's (which is neither Vietnamese nor valid HTML).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Page cache for anonymous readers (mttq_portal.page_cache): on unless PAGE_CACHE=0. Entries live at
# most PAGE_CACHE_SECONDS; any change to what a commune's pages show invalidates them at once.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# The parts every page of a commune shows (categories, open poll) kept under the same generation
# (mttq_portal.commune_parts); COMMUNE_PARTS=0 reads them on every page (the bench compares both).
COMMUNE_PARTS = env_bool("COMMUNE_PARTS", True)
# How long a reverse proxy may keep a public page (Cache-Control s-maxage); browsers revalidate.
PAGE_PROXY_SECONDS = int(os.environ.get("PAGE_PROXY_SECONDS", "30"))

# Benchmarks only (bench/): a minimal view of N bytes and an X-Query-Count header. Never in production.
BENCH_VIEWS = env_bool("BENCH_VIEWS", False)
if BENCH_VIEWS:
    MIDDLEWARE.insert(0, "mttq_portal.bench.QueryCountMiddleware")
