"""Who is voting, without a session: a random token in a signed cookie, and a keyed hash of
the address for the per-address rate limit.

The session is not used on purpose: public pages must not touch it (no session row, no
``Vary: Cookie`` from the session) so they stay cacheable. A tampered or foreign cookie fails
the signature check and the visitor is simply treated as new; the per-address limit still
applies to them.
"""
import hashlib
import uuid

from django.conf import settings

from mttq_portal.client_ip import client_ip

VOTER_COOKIE = "mttq_voter"
VOTER_COOKIE_SALT = "polls.voter"
VOTER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def voter_token_read(request):
    """The visitor's token, or None when the cookie is missing, tampered with or malformed."""
    value = request.get_signed_cookie(VOTER_COOKIE, default=None, salt=VOTER_COOKIE_SALT)
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        return None


def voter_cookie_set(response, request, token):
    response.set_signed_cookie(
        VOTER_COOKIE, str(token), salt=VOTER_COOKIE_SALT, max_age=VOTER_COOKIE_MAX_AGE,
        httponly=True, samesite="Lax", secure=request.is_secure(),
    )


def voter_address_hash(request):
    """sha256(SECRET_KEY + address): the address behind our trusted proxies, never stored plain."""
    return hashlib.sha256((settings.SECRET_KEY + client_ip(request)).encode()).hexdigest()
