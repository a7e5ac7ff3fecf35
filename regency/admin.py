from django.contrib import admin
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadableHistoryAdmin

from .forms import RegencyProfileForm
from .models import RegencyProfile
from .selectors import current_profile


def _site_header() -> str:
    profile = current_profile()
    return " · ".join(
        part for part in [gettext("Administrasi OVOP"), profile.agency_name, profile.regency_name] if part
    )


def _site_title() -> str:
    return gettext("Admin OVOP %(regency)s") % {"regency": current_profile().regency_name}


# Read at each admin page (AdminSite.each_context), from the cached profile: no query on a warm cache.
admin.site.site_header = lazy(_site_header, str)()
admin.site.site_title = lazy(_site_title, str)()
admin.site.index_title = _("Pengelolaan data Satu Desa Satu Produk")


@admin.register(RegencyProfile)
class RegencyProfileAdmin(ReadableHistoryAdmin):
    form = RegencyProfileForm
    list_display = ["regency_name", "agency_name", "email", "phone"]
    fieldsets = [
        (None, {"fields": ["regency_name", "agency_name", "logo"]}),
        (
            _("Kontak"),
            {"fields": ["address", "phone", "whatsapp", "email", "office_hours"]},
        ),
        (_("Tautan"), {"fields": ["website", "instagram", "facebook", "youtube"]}),
        (_("Tentang program"), {"fields": ["about_id", "about_en"]}),
        (_("Pemberitahuan privasi (UU PDP)"), {"fields": ["privacy_id", "privacy_en"]}),
        (
            _("Penanda tangan dokumen cetak"),
            {"fields": ["signatory_name", "signatory_title", "signatory_nip", "signature_place"]},
        ),
    ]

    def has_add_permission(self, request) -> bool:
        # One identity per deployment (the database refuses a second row too).
        return super().has_add_permission(request) and not RegencyProfile.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
