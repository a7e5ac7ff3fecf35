"""Two-factor sign-in: a TOTP authenticator app, with one-time recovery codes (django-otp).

Required of the Admin Dinas and the Dinas officials when OVOP_TWO_FACTOR_REQUIRED is on, optional for
kecamatan officers. Whoever has a confirmed device verifies a code after the password, whatever their
role and whatever the setting.

A sign-in is complete only once verified: until then `TwoFactorRequiredMiddleware` sends every page to
the code step (or, for a role that requires two-factor and has no device yet, to the set-up), except
the few pages a half-finished sign-in needs (`OPEN_URL_NAMES`). Public pages are not among them: the
session is a sign-in in progress, not a lesser account, and the one allow-list stays short and lives
here (the public pages' own list is in ovop_portal, which this app may not import).

Whether the user has a device is remembered in the session when they sign in, so the middleware asks
the database nothing on an ordinary request. That memory would let a session signed in before the
user set up two-factor elsewhere carry on with the password alone (the very session a leaked password
opened), so turning two-factor on, renewing the recovery codes and switching two-factor off end the
user's other sessions (`end_other_sessions`): they sign in again, and verify. A device removed by an
admin is noticed at the code step, which then forgets it.

Public files (STATIC_URL, MEDIA_URL) are let through a half-finished sign-in too: the header's logo on
the code and set-up pages is one of them, and they are public to anybody anyway.
"""

import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from villages.roles import scope_of

RECOVERY_CODE_COUNT = 10
# Whether the signed-in user has a confirmed device, remembered at sign-in (see the module's note).
HAS_DEVICE_SESSION_KEY = "ovop_two_factor_device"
# The secret shown on the set-up page until a code confirms it: the device is created only then.
PENDING_KEY_SESSION_KEY = "ovop_two_factor_pending_key"
# New recovery codes, shown once by the page they are redirected to.
NEW_CODES_SESSION_KEY = "ovop_two_factor_new_codes"

# The pages a sign-in waiting for its code or its set-up may open, besides that step's own page.
OPEN_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "health",
        "ready",
        "catalogue:choose_language",
    }
)
STEP_URL_NAMES = {"verify": "accounts:verify", "enrol": "accounts:enrol"}


def _public_file_prefixes() -> tuple[str, ...]:
    """The paths of the public files (static and media), when this site serves them itself: a
    half-finished sign-in's pages show the header's logo. Read per request, so a changed setting
    (tests) counts; a URL on another host is no path of ours and is left out."""
    prefixes = []
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.startswith("/") and url != "/":
            prefixes.append(url if url.endswith("/") else url + "/")
    return tuple(prefixes)


def two_factor_required(user) -> bool:
    """Must this user set up two-factor before working? The Dinas roles (admins included), if the
    portal requires it."""
    return bool(settings.OVOP_TWO_FACTOR_REQUIRED) and scope_of(user).is_dinas


def totp_device_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def recovery_device_of(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def remember_devices(request: HttpRequest, user) -> bool:
    has_device = user_has_device(user, confirmed=True)
    request.session[HAS_DEVICE_SESSION_KEY] = has_device
    return has_device


def _remember_devices_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_devices(request, user)


user_logged_in.connect(_remember_devices_at_sign_in, dispatch_uid="ovop_two_factor_sign_in")


def pending_step(request: HttpRequest) -> str | None:
    """What the signed-in user must do before any other page: "verify", "enrol", or nothing."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    has_device = request.session.get(HAS_DEVICE_SESSION_KEY)
    if has_device is None:  # a session signed in before two-factor existed
        has_device = remember_devices(request, user)
    if has_device:
        return "verify"
    if two_factor_required(user):
        return "enrol"
    return None


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Where to go after a step: the asked-for address if it is on this site, else the officials' home."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def step_url(name: str, next_url: str | None) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class TwoFactorRequiredMiddleware:
    """Sends a signed-in user whose sign-in is not complete to the code step or the set-up, keeping
    the page they asked for as `next` (after django_otp's OTPMiddleware, which marks verified
    sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match is not None else None
        if view_name in OPEN_URL_NAMES:
            return None
        # request.path carries the script prefix, as the settings' URLs do once Django has read them.
        if request.path.startswith(_public_file_prefixes()):
            return None
        step = pending_step(request)
        if step is None or view_name == STEP_URL_NAMES[step]:
            return None
        # Only a page can be come back to; a form sent half-way is not replayed.
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else None
        url = step_url(STEP_URL_NAMES[step], next_url)
        if request.headers.get("HX-Request") == "true":
            # htmx would follow a redirect and swap the whole step page into a fragment.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


# Set-up ------------------------------------------------------------------------------------------


def new_secret() -> str:
    return random_hex(20)


def secret_for_display(hex_key: str) -> str:
    """The secret as authenticator apps take it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(hex_key)).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def unsaved_device(*, user, hex_key: str) -> TOTPDevice:
    """The device the set-up page shows (its QR code and secret), saved only once a code confirms it."""
    return TOTPDevice(user=user, key=hex_key, name="Aplikasi autentikator", confirmed=False)


def code_matches_new_secret(device: TOTPDevice, code: str) -> int | None:
    """The time step the code belongs to if it matches the unsaved device's secret, else None."""
    try:
        token = int(code)
    except ValueError:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()  # one instant for the check and the step it reports
    if not totp.verify(token, device.tolerance):
        return None
    return totp.t()


@transaction.atomic
def two_factor_enrol(*, user, hex_key: str, verified_t: int) -> tuple[TOTPDevice, list[str]]:
    """Save the confirmed authenticator and a fresh set of recovery codes, replacing any earlier
    devices. The confirming code's time step counts as used, so it cannot be replayed at sign-in."""
    two_factor_reset(user=user)
    device = TOTPDevice.objects.create(
        user=user, key=hex_key, name="Aplikasi autentikator", confirmed=True, last_t=verified_t
    )
    return device, recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones (each good once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Kode pemulihan", confirmed=True)
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def two_factor_reset(*, user) -> None:
    """Remove every two-factor device of the user (switching off, or an admin's reset): their next
    sign-in needs the password only, or the set-up if their role requires two-factor."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# Other sessions ------------------------------------------------------------------------------------

# Sessions read per database round trip while looking for a user's sessions.
SESSION_SCAN_CHUNK = 2000


def end_other_sessions(request: HttpRequest) -> int:
    """End every session of the signed-in user but this request's one; returns how many ended.

    Called when two-factor is turned on, the recovery codes are renewed or two-factor is switched off.
    A session that signed in with the password alone (noted "no device" at sign-in) would otherwise
    keep working for its whole life, and one verified with a recovery code that was just replaced
    would too. Those sessions sign in again, and the code step follows.

    Why delete sessions rather than compare a per-user "two-factor epoch" on each request: the epoch
    would have to be read from the database on every page (or kept in a cache that can be lost),
    whereas this runs only on these rare events and ordinary pages stay as they are. Why scan rather
    than keep a table of each user's session keys: no model, no write at every sign-in, and nothing to
    keep in step with sign-outs and expiry. The scan reads only the sessions not yet expired (the
    session lifetime is hours, SESSION_COOKIE_AGE), in chunks through a server-side cursor where the
    database has one, decoding each: a few milliseconds per thousand sessions, once per enrolment.

    Only for the database-backed session engines (db, cached_db: the portal uses db); with any other
    engine nothing is ended and 0 is returned. With cached_db, ending a session also clears its cache
    entry, as SessionStore.delete does.
    """
    engine = settings.SESSION_ENGINE
    if engine not in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        return 0
    store_class = import_string(f"{engine}.SessionStore")
    model = store_class.get_model_class()
    user_id = str(request.user.pk)
    current = request.session.session_key
    decoder = store_class()
    theirs = []
    live = model.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    if current:
        live = live.exclude(session_key=current)
    for key, data in live.iterator(chunk_size=SESSION_SCAN_CHUNK):
        if decoder.decode(data).get(SESSION_KEY) == user_id:
            theirs.append(key)
    for key in theirs:
        store_class(session_key=key).delete()
    return len(theirs)


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[HAS_DEVICE_SESSION_KEY] = False
