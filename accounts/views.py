"""The two-factor pages: the code step after the password, the set-up, the recovery codes shown once,
and "Keamanan akun" where a user sets up, renews or switches off two-factor."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .forms import EnrolForm, VerifyCodeForm
from .twofactor import (
    HAS_DEVICE_SESSION_KEY,
    NEW_CODES_SESSION_KEY,
    PENDING_KEY_SESSION_KEY,
    end_other_sessions,
    forget_verification,
    new_secret,
    recovery_codes_regenerate,
    safe_next,
    secret_for_display,
    step_url,
    totp_device_of,
    two_factor_enrol,
    two_factor_required,
    two_factor_reset,
    unsaved_device,
)


def _next_of(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _bound(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _recovery_code_used(left: int) -> str:
    return ngettext(
        "Anda masuk dengan kode pemulihan; tinggal %(count)d kode. Buat kode baru di Keamanan akun.",
        "Anda masuk dengan kode pemulihan; tinggal %(count)d kode. Buat kode baru di Keamanan akun.",
        left,
    ) % {"count": left}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    next_url = _next_of(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not user_has_device(request.user, confirmed=True):
        # Removed since this sign-in (an admin's reset): nothing to verify; the set-up follows if the
        # role requires it.
        forget_verification(request)
        return redirect(next_url)
    form = VerifyCodeForm(_bound(request), user=request.user)
    if form.is_valid():
        otp_login(request, form.device)
        request.session.cycle_key()  # a new session key for the now complete sign-in
        if isinstance(form.device, StaticDevice):
            left = StaticToken.objects.filter(device=form.device).count()
            messages.warning(request, _recovery_code_used(left))
        return redirect(next_url)
    return render(request, "accounts/verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the secret), confirm with a code."""
    next_url = _next_of(request)
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        # Set up meanwhile from another session: this sign-in verifies like any other.
        request.session[HAS_DEVICE_SESSION_KEY] = True
        return redirect(step_url("accounts:verify", next_url))
    if totp_device_of(request.user) is not None:
        messages.info(request, _("Verifikasi dua langkah sudah aktif untuk akun Anda."))
        return redirect("accounts:security")
    hex_key = request.session.get(PENDING_KEY_SESSION_KEY) or new_secret()
    request.session[PENDING_KEY_SESSION_KEY] = hex_key
    device = unsaved_device(user=request.user, hex_key=hex_key)
    form = EnrolForm(_bound(request), device=device)
    if form.is_valid():
        device, codes = two_factor_enrol(user=request.user, hex_key=hex_key, verified_t=form.verified_t)
        otp_login(request, device)
        request.session.cycle_key()
        # Sessions signed in with the password alone would otherwise carry on without a code.
        end_other_sessions(request)
        request.session.pop(PENDING_KEY_SESSION_KEY, None)
        request.session[HAS_DEVICE_SESSION_KEY] = True
        request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(request, _("Verifikasi dua langkah aktif. Simpan kode pemulihan Anda sekarang."))
        return redirect(step_url("accounts:recovery_codes", next_url))
    context = {
        "form": form,
        "next": next_url,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
        "secret": secret_for_display(hex_key),
        "required": two_factor_required(request.user),
    }
    return render(request, "accounts/enrol.html", context)


@login_required
@require_safe
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown this once: the page reads them out of the session."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            _("Kode pemulihan hanya ditampilkan sekali. Bila Anda kehilangannya, buat kode baru di sini."),
        )
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_of(request)})


def _security_page(request: HttpRequest, *, regenerate_form=None, disable_form=None, status: int = 200):
    user = request.user
    totp = totp_device_of(user)
    context = {
        "totp": totp,
        "recovery_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
        "required": two_factor_required(user),
        "regenerate_form": regenerate_form or VerifyCodeForm(user=user, prefix="regenerate"),
        "disable_form": disable_form or VerifyCodeForm(user=user, prefix="disable"),
        "enrol_url": step_url("accounts:enrol", reverse("accounts:security")),
    }
    return render(request, "accounts/security.html", context, status=status)


@login_required
@require_safe
def security(request: HttpRequest) -> HttpResponse:
    """Keamanan akun: whether two-factor is on, and setting it up, renewing codes or switching it off."""
    return _security_page(request)


@login_required
@require_POST
def recovery_regenerate(request: HttpRequest) -> HttpResponse:
    """New recovery codes in place of the old ones, after a current code."""
    if not user_has_device(request.user, confirmed=True):
        messages.error(request, _("Aktifkan verifikasi dua langkah dahulu."))
        return redirect("accounts:security")
    form = VerifyCodeForm(request.POST, user=request.user, prefix="regenerate")
    if not form.is_valid():
        return _security_page(request, regenerate_form=form)
    request.session[NEW_CODES_SESSION_KEY] = recovery_codes_regenerate(user=request.user)
    # One of them may have been verified with a recovery code that has just been replaced.
    end_other_sessions(request)
    messages.success(request, _("Kode pemulihan baru sudah dibuat; kode yang lama tidak berlaku lagi."))
    return redirect(step_url("accounts:recovery_codes", reverse("accounts:security")))


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Switch two-factor off, after a current code; not for a role that requires it."""
    if two_factor_required(request.user):
        messages.error(
            request, _("Peran Anda mewajibkan verifikasi dua langkah; fitur ini tidak dapat dimatikan.")
        )
        return redirect("accounts:security")
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:security")
    form = VerifyCodeForm(request.POST, user=request.user, prefix="disable")
    if not form.is_valid():
        return _security_page(request, disable_form=form)
    two_factor_reset(user=request.user)
    forget_verification(request)
    end_other_sessions(request)
    messages.success(request, _("Verifikasi dua langkah dimatikan. Anda kini masuk dengan kata sandi saja."))
    return redirect("accounts:security")
