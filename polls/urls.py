from django.urls import path

from . import views

app_name = "polls"

urlpatterns = [
    path("", views.poll_list, name="list"),
    path("hop/", views.poll_box, name="box"),
    path("<int:pk>/", views.poll_detail, name="detail"),
    path("<int:pk>/bieu-quyet/", views.poll_vote, name="vote"),
]
