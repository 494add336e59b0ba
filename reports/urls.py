from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<slug:slug>/", views.report_detail, name="detail"),
    path("<slug:slug>/tep-goc/", views.report_file, name="file"),
]
