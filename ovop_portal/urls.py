"""The root URLs: each app's own urls.py, mounted where its users find it."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from accounts.passwords import ThrottledPasswordResetView
from catalogue.sitemaps import SITEMAPS
from core.views import health
from jobs.health import readyz

urlpatterns = [
    # The public site, in Indonesian at the addresses printed on QR codes and certificates, and in
    # English under /en/ (a page per language for search engines; ChosenLanguageMiddleware takes the
    # language from the address). The region lists come before the catalogue's "desa/<code>/" page.
    *i18n_patterns(
        path("", include("catalogue.urls_regions")),
        path("", include("catalogue.urls")),
        path("", include("regency.urls")),
        path("", include("opendata.urls")),
        prefix_default_language=False,
    ),
    path("healthz/", health, name="health"),
    path("readyz/", readyz, name="ready"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    # The officials' pages.
    path("petugas/", include("officials.urls")),
    path("petugas/", include("products.urls")),
    path("petugas/bantuan/", include("assistance.urls")),
    path("petugas/pekerjaan/", include("jobs.urls")),
    path("petugas/pengingat/", include("reminders.urls")),
    # Before Django's own: the reset form that throttles and never tells whether an address exists.
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "ovop_portal.errors.bad_request"
handler403 = "ovop_portal.errors.permission_denied"
handler404 = "ovop_portal.errors.page_not_found"
handler500 = "ovop_portal.errors.server_error"
