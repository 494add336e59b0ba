"""What every public page of a commune shows around its content (the navigation's categories, the
open poll), read once per change instead of once per page.

The parts are kept in the shared cache under the commune's page-cache *generation*
(mttq_portal.page_cache): any save that the pages show replaces the generation, so a part is
rebuilt on the next request after the change, exactly when a cached page would be. Like pages,
a part is tagged with the generation read *before* its data, so data read while a save is being
committed is never kept past it, and it lives no longer than the commune's next change by the
clock (a poll opening or closing).

This is what makes a page that is not in the page cache (an old article, the first reader after
a change) cost only its own queries. One request reads every part it needs in one round trip;
with the cache unreachable, or COMMUNE_PARTS=0, the parts are read from the database on every
page (once per request).
"""
import logging

from django.conf import settings
from django.core.cache import cache

from . import page_cache

log = logging.getLogger(__name__)

PART_PREFIX = "pc:part:v1:"
_builders = {}


def register(name):
    """``@register("nav")`` on ``build(commune) -> value``: a part, picklable, the same for every reader."""
    def decorate(build):
        _builders[name] = build
        return build
    return decorate


def _key(commune_id, name):
    return f"{PART_PREFIX}{commune_id}:{name}"


class _Parts:
    """The parts of one commune for one request: loaded together on first use."""

    def __init__(self, commune):
        self.commune = commune
        self.generation = None
        self.values = {}
        self.loaded = False

    def load(self):
        self.loaded = True
        if not settings.COMMUNE_PARTS:
            return
        commune_id = self.commune.pk
        generation_key = page_cache._generation_key(commune_id)
        keys = {name: _key(commune_id, name) for name in _builders}
        try:
            found = cache.get_many([generation_key, *keys.values()])
            generation = found.get(generation_key)
            if generation is None:
                generation = page_cache._new_generation()
                if not cache.add(generation_key, generation, None):
                    generation = cache.get(generation_key) or generation
        except Exception:
            log.exception("Shared cache unreachable; the page's parts are read from the database")
            return
        self.generation = generation
        for name, key in keys.items():
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                self.values[name] = entry[1]

    def get(self, name):
        if not self.loaded:
            self.load()
        if name in self.values:
            return self.values[name]
        value = self.values[name] = _builders[name](self.commune)
        if self.generation is not None:
            try:
                ttl = page_cache._time_to_live(self.commune.pk, self.generation)
                cache.set(_key(self.commune.pk, name), (self.generation, value), ttl)
            except Exception:
                log.exception("Could not keep the part %s of commune %s", name, self.commune.pk)
        return value


def part(request, name):
    """The part ``name`` of the request's commune (``request.commune`` must be set)."""
    parts = getattr(request, "_commune_parts", None)
    if parts is None or parts.commune is not request.commune:
        parts = request._commune_parts = _Parts(request.commune)
    return parts.get(name)
