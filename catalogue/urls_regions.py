"""The public lists of kecamatan and villages. Their pages show products, so the public site composes
them (the villages app may not read products), but they keep the names they have always had,
`villages:district_list` and `villages:village_list`: printed links, templates and sitemaps use them."""

from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("kecamatan/", views.district_list, name="district_list"),
    path("desa/", views.village_list, name="village_list"),
]
