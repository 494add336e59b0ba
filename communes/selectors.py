"""Reads about communes: which commune a host belongs to, which communes a person works on."""
from django.conf import settings
from django.core.cache import cache

from .models import Commune, CommuneHost, Membership

HOST_CACHE_PREFIX = "commune-host:v1:"
MAX_MERGE_HOPS = 5


def _host_cache_key(hostname):
    return HOST_CACHE_PREFIX + hostname


def normalize_host(host):
    """"ThanhMien.localhost:8000" -> "thanhmien.localhost"; "[::1]:8000" -> "[::1]"."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end != -1 else host
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def host_resolve(hostname):
    """What a host name answers: ``(commune, None)``, ``(None, target_host)`` for a commune
    merged away (redirect), or ``(None, None)`` for an unknown or inactive host.

    Cached in the shared cache; saving a commune or a host clears its entries.
    """
    key = _host_cache_key(hostname)
    cached = cache.get(key)
    if cached is not None:
        kind, value = cached
        if kind == "commune":
            return value, None
        if kind == "redirect":
            return None, value
        return None, None
    result = _host_resolve_uncached(hostname)
    commune, redirect_host = result
    if commune is not None:
        entry = ("commune", commune)
    elif redirect_host is not None:
        entry = ("redirect", redirect_host)
    else:
        entry = ("none", None)
    cache.set(key, entry, settings.COMMUNE_HOST_CACHE_SECONDS)
    return result


def _host_resolve_uncached(hostname):
    host = CommuneHost.objects.select_related("commune").filter(hostname=hostname).first()
    if host is None or not host.commune.is_active:
        return None, None
    commune = host.commune
    if commune.merged_into_id is None:
        return commune, None
    target = commune
    for _ in range(MAX_MERGE_HOPS):
        if target.merged_into_id is None:
            break
        target = Commune.objects.get(pk=target.merged_into_id)
    if target.merged_into_id is not None or not target.is_active:
        return None, None
    target_host = target.primary_host()
    return (None, target_host) if target_host else (None, None)


def host_cache_clear(hostnames):
    cache.delete_many([_host_cache_key(h) for h in hostnames])


def user_commune_ids(user):
    """Ids of the communes a person works on; memoised on the user object for one request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_commune_ids", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("commune_id", flat=True))
        user._commune_ids = cached
    return cached


def user_has_role(user, commune, roles):
    """True when the person holds one of ``roles`` on ``commune`` (superusers always do)."""
    if user.is_superuser:
        return True
    if not user.is_authenticated or commune is None:
        return False
    return Membership.objects.filter(user=user, commune=commune, role__in=list(roles)).exists()
