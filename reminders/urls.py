"""reminders URLs (mounted at /petugas/pengingat/)."""

from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.preferences, name="preferences"),
]
