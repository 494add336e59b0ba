from .selectors import nav_categories


def navigation(request):
    """The commune's categories for the navigation bar (two queries, none without a commune)."""
    commune = getattr(request, "commune", None)
    if commune is None or request.path.startswith("/quan-tri/"):
        return {}
    return {"nav_categories": nav_categories(commune)}
