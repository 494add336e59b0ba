from django.urls import path

from . import views

app_name = "tthc"

urlpatterns = [
    path("", views.disclosure, name="disclosure"),
]
