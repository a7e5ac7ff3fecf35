"""The two-factor forms: a code from the authenticator app or a recovery code, checked against the
user's own devices with django-otp's throttling (each wrong code doubles the wait before the next)."""

import math
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .twofactor import code_matches_new_secret, recovery_device_of, totp_device_of

WRONG_CODE = _("Kode salah atau sudah pernah dipakai. Periksa lagi kode di aplikasi autentikator Anda.")


def _normalised(code: str) -> str:
    # People copy codes with the spaces or dashes an app shows; recovery codes are lower-case base32.
    return re.sub(r"[\s-]", "", code).lower()


def _code_field(label, *, digits_only: bool = False) -> forms.CharField:
    attrs = {
        "autocomplete": "one-time-code",
        "autocapitalize": "off",
        "spellcheck": "false",
        "autofocus": True,
    }
    if digits_only:  # a phone shows its number pad; recovery codes have letters too
        attrs["inputmode"] = "numeric"
    return forms.CharField(label=label, max_length=32, widget=forms.TextInput(attrs=attrs))


# Up to this many wrong codes in a row the wait is a few seconds (1, then 2): the message says the
# code was wrong rather than that there were too many.
FEW_FAILURES = 2


def _throttled_message(device: Device) -> str | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
    if details.get("failure_count", 0) <= FEW_FAILURES:
        return ngettext(
            "Kode salah. Tunggu %(seconds)d detik sebelum mencoba lagi.",
            "Kode salah. Tunggu %(seconds)d detik sebelum mencoba lagi.",
            seconds,
        ) % {"seconds": seconds}
    return ngettext(
        "Terlalu banyak kode yang salah. Demi keamanan, coba lagi setelah %(seconds)d detik.",
        "Terlalu banyak kode yang salah. Demi keamanan, coba lagi setelah %(seconds)d detik.",
        seconds,
    ) % {"seconds": seconds}


class VerifyCodeForm(forms.Form):
    """A current code from the authenticator app (6 digits) or one of the recovery codes. On success
    `device` is the device that accepted it; a recovery code is used up."""

    code = _code_field(_("Kode verifikasi atau kode pemulihan"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None

    def clean_code(self) -> str:
        code = _normalised(self.cleaned_data["code"])
        totp = totp_device_of(self.user)
        if totp is not None and code.isdigit() and len(code) == totp.digits:
            device = totp
        else:
            device = recovery_device_of(self.user)
        if device is None:
            raise forms.ValidationError(WRONG_CODE, code="wrong")
        throttled = _throttled_message(device)
        if throttled:
            raise forms.ValidationError(throttled, code="throttled")
        verified = verify_token(self.user, device.persistent_id, code)
        if verified is None:
            raise forms.ValidationError(WRONG_CODE, code="wrong")
        self.device = verified
        return code


class EnrolForm(forms.Form):
    """The first code from the authenticator app, proving it holds the secret shown on the page."""

    code = _code_field(_("Kode 6 angka dari aplikasi"), digits_only=True)

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.verified_t: int | None = None

    def clean_code(self) -> str:
        code = _normalised(self.cleaned_data["code"])
        verified_t = code_matches_new_secret(self.device, code) if code.isdigit() else None
        if verified_t is None:
            raise forms.ValidationError(
                _("Kode tidak cocok. Pastikan jam ponsel Anda tepat, lalu masukkan kode yang sedang tampil."),
                code="wrong",
            )
        self.verified_t = verified_t
        return code
