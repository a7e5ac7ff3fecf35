from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("kecamatan/", views.district_list, name="district_list"),
    path("desa/", views.village_list, name="village_list"),
]
