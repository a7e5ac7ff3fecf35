from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("kecamatan/", views.district_list, name="district_list"),
    path("kecamatan/<str:code>/", views.district_detail, name="district_detail"),
    path("desa/", views.village_list, name="village_list"),
    path("desa/<str:code>/", views.village_detail, name="village_detail"),
]
