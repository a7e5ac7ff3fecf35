from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from products import urls as products_urls
from villages import views as region_views

from . import dashboard, public, spreadsheets, views
from .accounts import ThrottledPasswordResetView
from .sitemaps import SITEMAPS

officials_patterns = (
    [
        path("", views.officials_home, name="home"),
        path("dasbor/", dashboard.dashboard, name="dashboard"),
        path("dasbor/kelengkapan/", dashboard.completeness, name="completeness"),
        path("rekap/", dashboard.recap, name="recap"),
    ],
    "officials",
)

# The public region pages; the detail pages show products, so they are composed here.
region_patterns = (
    [
        path("kecamatan/", region_views.district_list, name="district_list"),
        path("kecamatan/<str:code>/", public.district_detail, name="district_detail"),
        path("desa/", region_views.village_list, name="village_list"),
        path("desa/<str:code>/", public.village_detail, name="village_detail"),
    ],
    "villages",
)

catalogue_patterns = (
    [
        path("produk/", public.catalogue, name="list"),
        path("produk/<slug:slug>/", public.product_page, name="product"),
        path("produk/<slug:slug>/label/", public.product_label, name="label"),
        path("produk/<slug:slug>/qr.<str:kind>", public.product_qr, name="qr"),
        path("kategori/<slug:slug>/", public.category_page, name="category"),
        path("peta/", public.map_page, name="map"),
    ],
    "catalogue",
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
    path("", public.home, name="home"),
    path("", include(region_patterns)),
    path("", include(catalogue_patterns)),
    path("bahasa/<str:code>/", public.choose_language, name="choose_language"),
    path("robots.txt", public.robots_txt, name="robots"),
    path("healthz/", views.health, name="health"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("petugas/", include(officials_patterns)),
    path("petugas/", include(product_patterns)),
    path("petugas/bantuan/", include("assistance.urls")),
    path("petugas/", include((spreadsheets.urlpatterns, "spreadsheets"))),
    # Before Django's own: the reset form that throttles and never tells whether an address exists.
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "ovop_portal.errors.server_error"
