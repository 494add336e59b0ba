from mttq_portal.commune_parts import part

from .selectors import nav_categories


def navigation(request):
    """The commune's categories for the navigation bar (kept per commune: no query once read)."""
    commune = getattr(request, "commune", None)
    if commune is None or request.path.startswith("/quan-tri/"):
        return {}
    return {"nav_categories": nav_categories(part(request, "categories"))}
