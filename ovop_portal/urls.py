from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

officials_patterns = (
    [path("", views.officials_home, name="home")],
    "officials",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("villages.urls")),
    path("petugas/", include(officials_patterns)),
    path("petugas/", include("products.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
