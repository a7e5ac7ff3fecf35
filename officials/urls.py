from django.urls import path

from . import dashboard, situations, spreadsheets, views

app_name = "officials"

urlpatterns = [
    path("", views.officials_home, name="home"),
    path("dasbor/", dashboard.dashboard, name="dashboard"),
    path("dasbor/kelengkapan/", dashboard.completeness, name="completeness"),
    path("rekap/", dashboard.recap, name="recap"),
    # The officials' product, village and producer pages show assistance too, so they are composed here.
    path("produk/<int:pk>/", views.product_detail, name="product_detail"),
    path("produk/<int:pk>/foto/", views.photo_add, name="photo_add"),
    path("desa/", views.village_list, name="village_list"),
    path("desa/<str:code>/", views.village_registry, name="village_registry"),
    path("produsen/<int:pk>/", views.producer_detail, name="producer_detail"),
    path("tugas/", views.todo, name="todo"),
    path("situasi/", situations.situation_list, name="situations"),
    path("desa/<str:code>/perlu-bantuan/", situations.help_flag_raise_view, name="help_flag_raise"),
    path("desa/<str:code>/perlu-bantuan/cabut/", situations.help_flag_clear_view, name="help_flag_clear"),
    # A candidate product found by a potential exploration, registered in one step.
    path("calon-produk/<int:pk>/daftarkan/", views.candidate_register, name="candidate_register"),
    path("impor/", spreadsheets.import_upload, name="import"),
    path("impor/pratinjau/", spreadsheets.import_preview, name="import_preview"),
    path("impor/templat/<slug:kind>.<slug:fmt>", spreadsheets.import_template, name="import_template"),
    path("ekspor/<slug:what>.<slug:fmt>", spreadsheets.export, name="export"),
]
