"""The regency's public pages: about the programme, and the privacy notice."""

from django.urls import path

from . import views

app_name = "regency"
urlpatterns = [
    path("tentang/", views.about, name="about"),
    path("privasi/", views.privacy, name="privacy"),
]
