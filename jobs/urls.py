"""The official's background jobs, under /petugas/pekerjaan/."""

from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/ulang/", views.job_retry_view, name="retry"),
    path("<uuid:pk>/berkas/", views.job_download, name="download"),
]
