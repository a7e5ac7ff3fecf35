from django.urls import path

from . import pickers, private_files, views, views_market, views_rounds

app_name = "products"

urlpatterns = [
    path("produk/", views.product_list, name="product_list"),
    path("produk/baru/", views.product_create, name="product_create"),
    path("produk/<int:pk>/ubah/", views.product_update, name="product_update"),
    path("produk/<int:pk>/hapus/", views.product_delete, name="product_delete"),
    path("produk/terhapus/", views.deleted_product_list, name="deleted_product_list"),
    path("produk/<int:pk>/pulihkan/", views.product_restore, name="product_restore"),
    path("produk/<int:pk>/legalitas/", views.legality_add_to_product, name="legality_add_to_product"),
    path("produk/<int:pk>/penilaian/", views.assessment_create, name="assessment_create"),
    # A product's variants, points of sale and markets, a producer's shop links (views_market).
    path("produk/<int:pk>/varian/", views_market.variant_edit, name="variant_edit"),
    path("produk/<int:pk>/pemasaran/", views_market.market_edit, name="market_edit"),
    path("produsen/<int:pk>/toko/", views_market.shop_link_edit, name="shop_link_edit"),
    path("foto/<int:pk>/sampul/", views.photo_set_cover, name="photo_set_cover"),
    path("foto/<int:pk>/hapus/", views.photo_delete, name="photo_delete"),
    path("produsen/", views.producer_list, name="producer_list"),
    path("produsen/baru/", views.producer_create, name="producer_create"),
    path("produsen/<int:pk>/ubah/", views.producer_update, name="producer_update"),
    path("produsen/<int:pk>/hapus/", views.producer_delete, name="producer_delete"),
    path("produsen/<int:pk>/legalitas/", views.legality_add_to_producer, name="legality_add_to_producer"),
    path("legalitas/<int:pk>/ubah/", views.legality_update, name="legality_update"),
    path("legalitas/<int:pk>/hapus/", views.legality_delete, name="legality_delete"),
    path("legalitas/<int:pk>/pindaian/", private_files.legality_scan, name="legality_scan"),
    path("berkas-pribadi/<path:name>", private_files.private_file, name="private_file"),
    path("desa/<str:code>/usulkan/", views.designation_propose, name="designation_propose"),
    path("penetapan/", views.designation_list, name="designation_list"),
    path("penetapan/<int:pk>/tetapkan/", views.designation_approve, name="designation_approve"),
    path("penetapan/<int:pk>/tolak/", views.designation_reject, name="designation_reject"),
    path("penetapan/<int:pk>/akhiri/", views.designation_end, name="designation_end"),
    path("penilaian/jatuh-tempo/", views.assessment_due, name="assessment_due"),
    # Yearly designation rounds, their decrees, and certificates (views_rounds).
    path("putaran/", views_rounds.round_list, name="round_list"),
    path("putaran/baru/", views_rounds.round_open, name="round_open"),
    path("putaran/<int:pk>/", views_rounds.round_detail, name="round_detail"),
    path("putaran/<int:pk>/usulkan/", views_rounds.round_propose, name="round_propose"),
    path("putaran/<int:pk>/tutup/", views_rounds.round_close, name="round_close"),
    path("putaran/<int:pk>/putuskan/", views_rounds.round_decide, name="round_decide"),
    path("putaran/<int:pk>/lampiran/", views_rounds.round_attachment, name="round_attachment"),
    path("putaran/<int:pk>/sk/pindaian/", private_files.decree_scan, name="round_decree_scan"),
    # The searchable pickers' endpoints (JSON; the official's own area only).
    path("pilih/kecamatan/", pickers.district_picker, name="district_picker"),
    path("pilih/desa/", pickers.village_picker, name="village_picker"),
    path("pilih/produk/", pickers.product_picker, name="product_picker"),
    path("pilih/produsen/", pickers.producer_picker, name="producer_picker"),
    path(
        "penetapan/<int:pk>/sertifikat/", views_rounds.designation_certificate, name="designation_certificate"
    ),
]
