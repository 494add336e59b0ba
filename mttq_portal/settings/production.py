"""Production: everything from the environment, HTTPS everywhere, no debug.

Behind a reverse proxy that terminates TLS, set SECURE_PROXY_SSL_HEADER via
TRUST_X_FORWARDED_PROTO=1 so Django knows the original request was HTTPS.
"""
import os

from .base import *  # noqa: F403
from .base import env_bool, require_secret_key

DEBUG = env_bool("DEBUG", False)
require_secret_key()

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
