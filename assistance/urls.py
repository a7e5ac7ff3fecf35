from django.urls import path

from . import views

app_name = "assistance"

urlpatterns = [
    path("program/", views.programme_list, name="programme_list"),
    path("program/baru/", views.programme_create, name="programme_create"),
    path("program/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("program/<int:pk>/ubah/", views.programme_update, name="programme_update"),
    path("program/<int:pk>/penyaluran/", views.delivery_create, name="delivery_create"),
    path("penyaluran/<int:pk>/ubah/", views.delivery_update, name="delivery_update"),
    path("produk/<int:pk>/kunjungan/", views.visit_create_for_product, name="visit_create_for_product"),
    path("produsen/<int:pk>/kunjungan/", views.visit_create_for_producer, name="visit_create_for_producer"),
    path("kunjungan/<int:pk>/ubah/", views.visit_update, name="visit_update"),
    path("produk/<int:pk>/capaian/", views.outcome_create, name="outcome_create"),
    path("produk/<int:pk>/linimasa/", views.product_timeline_page, name="product_timeline"),
    path("desa/<str:code>/linimasa/", views.village_timeline_page, name="village_timeline"),
    path("pendampingan/terlambat/", views.overdue, name="overdue"),
]
