from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from products import urls as products_urls
from villages import views as region_views

from . import views

officials_patterns = (
    [path("", views.officials_home, name="home")],
    "officials",
)

# The public region pages; the detail pages show products, so they are composed here.
region_patterns = (
    [
        path("kecamatan/", region_views.district_list, name="district_list"),
        path("kecamatan/<str:code>/", views.district_detail, name="district_detail"),
        path("desa/", region_views.village_list, name="village_list"),
        path("desa/<str:code>/", views.village_detail, name="village_detail"),
    ],
    "villages",
)

# The officials' product and village pages show assistance too, so they are composed here.
product_patterns = (
    [
        path("produk/<int:pk>/", views.product_detail, name="product_detail"),
        path("desa/<str:code>/", views.village_registry, name="village_registry"),
        *products_urls.urlpatterns,
    ],
    "products",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(region_patterns)),
    path("petugas/", include(officials_patterns)),
    path("petugas/", include(product_patterns)),
    path("petugas/bantuan/", include("assistance.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
