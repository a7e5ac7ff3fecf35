from django.urls import path

from . import views, views_catalogue, views_producers, views_products

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("produk/", views_catalogue.catalogue, name="list"),
    path("produk/<slug:slug>/", views_products.product_page, name="product"),
    path("produk/<slug:slug>/label/", views_products.product_label, name="label"),
    path("produk/<slug:slug>/qr.<str:kind>", views_products.product_qr, name="qr"),
    path("produsen/<slug:slug>/", views_producers.producer_page, name="producer"),
    path("kategori/<slug:slug>/", views_catalogue.category_page, name="category"),
    path("peta/", views.map_page, name="map"),
    path("peta/titik/", views.map_points, name="map_points"),
    # The public kecamatan and village pages show products, so the public site composes them.
    path("kecamatan/<str:code>/", views.district_detail, name="district_detail"),
    path("desa/<str:code>/", views.village_detail, name="village_detail"),
    # Printed on certificates as a QR code: this address must never change.
    path("verifikasi/<str:code>/", views.certificate_verify, name="verify"),
    path("bahasa/<str:code>/", views.choose_language, name="choose_language"),
    path("robots.txt", views.robots_txt, name="robots"),
]
