"""The reader's address, for rate limits and one-vote-per-visitor rules.

Behind a reverse proxy every request comes from the proxy, so the real address is in
X-Forwarded-For. That header is only believed when the request comes from a proxy listed in
TRUSTED_PROXIES; otherwise anybody could send a new address with each request.
"""
import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", []))
    if remote not in trusted:
        return remote
    forwarded = [a for a in (_valid(p) for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")) if a]
    # Walk from the nearest hop back; the first address that is not one of our proxies is the reader.
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
