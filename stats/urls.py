from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("b", views.beacon, name="beacon"),
]
