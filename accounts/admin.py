"""The two-factor devices in the admin: who has set up two-factor, and a reset for a lost phone.

django-otp's own device admins show each authenticator's secret key, its QR code and the recovery codes
(unless OTP_ADMIN_HIDE_SENSITIVE_DATA is set), and let an admin add a device for someone else: either
would let an admin sign in as that official. These replace them: read-only, no secrets, and an action
that removes all of the chosen users' devices so they set up again at their next sign-in.

Importing .twofactor here also connects its sign-in receiver when the apps load (admin autodiscovery),
before any sign-in, including the test client's force_login.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .twofactor import two_factor_reset

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class TwoFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    fields = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    ]
    readonly_fields = fields
    actions = ["reset_two_factor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(
        description=_("Atur ulang verifikasi dua langkah pengguna terpilih (hapus semua perangkatnya)"),
        permissions=["delete"],
    )
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet) -> None:
        devices = list(queryset.select_related("user"))
        users = {device.user_id: device.user for device in devices}.values()
        self.log_deletions(request, devices)
        for user in users:
            two_factor_reset(user=user)
        self.message_user(
            request,
            ngettext(
                "Verifikasi dua langkah %(count)d pengguna diatur ulang.",
                "Verifikasi dua langkah %(count)d pengguna diatur ulang.",
                len(users),
            )
            % {"count": len(users)},
        )


admin.site.register(TOTPDevice, TwoFactorDeviceAdmin)
admin.site.register(StaticDevice, TwoFactorDeviceAdmin)
