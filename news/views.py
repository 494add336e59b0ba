from django.shortcuts import render


def home(request):
    """The commune's home page. Its widgets are filled in by the news, reports and stats apps."""
    return render(request, "news/home.html", {"is_home": True})
