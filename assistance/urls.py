from django.urls import path

from . import views, views_exploration

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
    path(
        "kunjungan/<int:pk>/tindak-lanjut/selesai/", views.visit_follow_up_close, name="visit_follow_up_close"
    ),
    path(
        "kunjungan/<int:pk>/tindak-lanjut/jadwal-ulang/",
        views.visit_follow_up_reschedule,
        name="visit_follow_up_reschedule",
    ),
    path("produk/<int:pk>/capaian/", views.outcome_create, name="outcome_create"),
    path("produk/<int:pk>/linimasa/", views.product_timeline_page, name="product_timeline"),
    path("desa/<str:code>/linimasa/", views.village_timeline_page, name="village_timeline"),
    path("pendampingan/terlambat/", views.overdue, name="overdue"),
    # potential exploration and success stories (issue 15, items 2 and 4)
    path("penggalian/", views_exploration.exploration_villages, name="exploration_villages"),
    path("desa/<str:code>/penggalian/baru/", views_exploration.exploration_create, name="exploration_create"),
    path("penggalian/<int:pk>/", views_exploration.exploration_detail, name="exploration_detail"),
    path("penggalian/<int:pk>/ubah/", views_exploration.exploration_update, name="exploration_update"),
    path("kisah-sukses/", views_exploration.story_list, name="story_list"),
    path("produk/<int:pk>/kisah-sukses/", views_exploration.story_edit, name="story_edit"),
]
