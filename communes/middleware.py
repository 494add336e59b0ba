"""Pick the commune from the Host header, before anything else looks at the request."""
from django.conf import settings
from django.http import HttpResponseNotFound, HttpResponsePermanentRedirect
from django.template.loader import render_to_string

from .selectors import host_resolve, normalize_host


class CommuneMiddleware:
    """Sets ``request.commune``.

    * a known host: the commune it belongs to;
    * a host of a commune merged away in the 2025 reform: 301 to the absorbing commune's
      primary host, path and query kept;
    * an unknown or inactive host: a plain Vietnamese 404 that names no other commune.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_paths = tuple(settings.COMMUNE_EXEMPT_PATHS)

    def __call__(self, request):
        request.commune = None
        if request.path.startswith(self.exempt_paths):
            return self.get_response(request)
        raw_host = request.get_host()  # validates against ALLOWED_HOSTS first
        hostname = normalize_host(raw_host)
        commune, redirect_host = host_resolve(hostname)
        if redirect_host:
            port = raw_host[len(hostname):] if raw_host.lower().startswith(hostname) else ""
            scheme = "https" if request.is_secure() else "http"
            return HttpResponsePermanentRedirect(f"{scheme}://{redirect_host}{port}{request.get_full_path()}")
        if commune is None:
            body = render_to_string("communes/unknown_host.html", {"hostname": hostname})
            return HttpResponseNotFound(body)
        request.commune = commune
        return self.get_response(request)
