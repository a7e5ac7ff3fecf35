"""Accounts URLs: two-factor sign-in (the password pages are Django's, mounted after these)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dua-langkah/", views.security, name="security"),
    path("dua-langkah/verifikasi/", views.verify, name="verify"),
    path("dua-langkah/pasang/", views.enrol, name="enrol"),
    path("dua-langkah/kode-pemulihan/", views.recovery_codes, name="recovery_codes"),
    path("dua-langkah/kode-pemulihan/baru/", views.recovery_regenerate, name="recovery_regenerate"),
    path("dua-langkah/matikan/", views.disable, name="disable"),
]
