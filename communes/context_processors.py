def commune(request):
    """The current commune, for the base template's banner and footer."""
    return {"commune": getattr(request, "commune", None)}
