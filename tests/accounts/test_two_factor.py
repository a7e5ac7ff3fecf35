"""Two-factor sign-in (issue 16): a code from an authenticator app after the password, required of the
Dinas roles, optional for kecamatan officers, with one-time recovery codes.

Codes are computed as the app would (django_otp.oath.totp on the device's key). A code verified once
cannot be used again in the same time step, so a second sign-in in a test uses the next step's code,
which the device's tolerance of one step accepts.
"""

import re
import time
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import re_path, reverse
from django.views.static import serve
from django_otp import oath
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp import models as totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import PENDING_KEY_SESSION_KEY, recovery_codes_regenerate
from ovop_portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import CIRUAS, make_dinas, make_officer

pytestmark = pytest.mark.django_db


def _serve_public(request, path, setting):
    return serve(request, path, document_root=getattr(django_settings, setting))


# The portal's URLs with its public files served as runserver serves them in development (the portal
# adds the media pattern only when DEBUG is on); used by the tests marked with this module's name.
urlpatterns = [
    re_path(r"^static/(?P<path>.*)$", _serve_public, {"setting": "STATIC_ROOT"}),
    re_path(r"^media/(?P<path>.*)$", _serve_public, {"setting": "MEDIA_ROOT"}),
    *portal_urlpatterns,
]

PASSWORD = "pw-test-12345"  # tests.factories.UserFactory's
LOGIN = reverse("login")
VERIFY = reverse("accounts:verify")
ENROL = reverse("accounts:enrol")
SECURITY = reverse("accounts:security")
CODES = reverse("accounts:recovery_codes")
OFFICIALS_HOME = reverse("officials:home")


def code_for(key: bytes, *, steps_ahead: int = 0) -> str:
    """The 6-digit code an authenticator app shows for the key, `steps_ahead` time steps from now
    (moving the start of time back by whole steps moves the step forward)."""
    return f"{totp(key, step=30, t0=-30 * steps_ahead):06d}"


def wrong_code(key: bytes) -> str:
    valid = {code_for(key, steps_ahead=n) for n in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=True)
    return device, recovery_codes_regenerate(user=user)


def sign_in(client, user, next_url: str | None = None):
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def step_url(path: str, next_url: str) -> str:
    return f"{path}?{urlencode({'next': next_url})}"


@pytest.fixture
def required(settings):
    settings.OVOP_TWO_FACTOR_REQUIRED = True


@pytest.fixture
def not_required(settings):
    settings.OVOP_TWO_FACTOR_REQUIRED = False


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("kepala", "kepala@example.invalid", PASSWORD)


def enrol_through_the_page(client, user, next_url: str = OFFICIALS_HOME) -> tuple[TOTPDevice, str]:
    """Set up through the page; returns the device and the code that confirmed it."""
    page = client.get(step_url(ENROL, next_url))
    assert page.status_code == 200
    key = bytes.fromhex(client.session[PENDING_KEY_SESSION_KEY])
    code = code_for(key)
    response = client.post(ENROL, {"code": code, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == step_url(CODES, next_url)
    return TOTPDevice.objects.get(user=user, confirmed=True), code


# Forced set-up -------------------------------------------------------------------------------------


def test_a_dinas_official_without_a_device_is_sent_to_set_up_before_any_officials_page(required, client):
    dinas = make_dinas()
    sign_in(client, dinas)
    for path in (OFFICIALS_HOME, reverse("products:product_list"), reverse("password_change"), SECURITY):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == step_url(ENROL, path)
    page = client.get(step_url(ENROL, OFFICIALS_HOME))
    assert "Peran Anda mewajibkan verifikasi dua langkah" in page.content.decode()


def test_an_admin_without_a_device_is_sent_to_set_up_before_the_admin_site(required, client, superuser):
    sign_in(client, superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == step_url(ENROL, reverse("admin:index"))


def test_the_set_up_page_shows_the_qr_code_and_the_secret_and_keeps_them_on_reload(required, client):
    dinas = make_dinas()
    sign_in(client, dinas)
    first = client.get(ENROL).content.decode()
    again = client.get(ENROL).content.decode()
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', first).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32
    assert secret in again
    assert 'src="data:image/svg+xml' in first
    assert not TOTPDevice.objects.filter(user=dinas).exists()  # created only once a code confirms it


def test_setting_up_with_a_valid_code_turns_two_factor_on_and_shows_ten_recovery_codes_once(required, client):
    dinas = make_dinas()
    sign_in(client, dinas)
    enrol_through_the_page(client, dinas, next_url=OFFICIALS_HOME)

    page = client.get(step_url(CODES, OFFICIALS_HOME))
    assert page.status_code == 200
    stored = set(StaticToken.objects.filter(device__user=dinas).values_list("token", flat=True))
    assert len(stored) == 10
    content = page.content.decode()
    assert all(code in content for code in stored)
    assert "Ctrl+P" in content
    assert f'href="{OFFICIALS_HOME}"' in content
    # shown once: a second look finds nothing to show
    again = client.get(CODES)
    assert again.status_code == 302
    assert not any(code in client.get(again["Location"]).content.decode() for code in stored)
    # the session is verified: the officials' pages open
    assert client.get(OFFICIALS_HOME).status_code == 200


def test_turning_two_factor_on_ends_the_users_other_sessions(client_class):
    """A kecamatan officer whose password leaked sets up two-factor in one session: the session the
    password opened earlier (noted "no device") must not keep working without a code."""
    officer = make_officer("petugas-ciruas", CIRUAS)
    bystander = make_officer("petugas-lain", CIRUAS)
    leaked, own, other_user = client_class(), client_class(), client_class()
    sign_in(leaked, officer)
    sign_in(other_user, bystander)
    assert leaked.get(OFFICIALS_HOME).status_code == 200

    sign_in(own, officer)
    enrol_through_the_page(own, officer, next_url=SECURITY)

    response = leaked.get(OFFICIALS_HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in leaked.session
    # the session that set it up carries on, verified; another user's session is untouched
    assert own.get(OFFICIALS_HOME).status_code == 200
    assert other_user.get(OFFICIALS_HOME).status_code == 200
    assert Session.objects.count() == 2


def test_new_recovery_codes_and_switching_off_end_the_users_other_sessions(client_class, monkeypatch):
    # The clock held in the middle of a time step: a step ending between computing a code and checking
    # it made the first code a step old, django-otp then allowed for the drift, and the next step's
    # code was two steps ahead of what it expected (a failure about once in a few hundred runs).
    held = (int(time.time()) // 30) * 30 + 15
    monkeypatch.setattr(oath, "time", lambda: held)
    monkeypatch.setattr(totp_models, "time", SimpleNamespace(time=lambda: held))
    officer = make_officer("petugas-ciruas", CIRUAS)
    device, codes = enrolled(officer)
    elsewhere, own = client_class(), client_class()
    sign_in(elsewhere, officer)
    assert elsewhere.post(VERIFY, {"code": codes[0]}).status_code == 302  # with a recovery code
    sign_in(own, officer)
    assert own.post(VERIFY, {"code": code_for(device.bin_key)}).status_code == 302

    regenerated = own.post(
        reverse("accounts:recovery_regenerate"), {"regenerate-code": code_for(device.bin_key, steps_ahead=1)}
    )
    assert regenerated.status_code == 302
    assert elsewhere.get(OFFICIALS_HOME)["Location"].startswith(LOGIN)
    assert own.get(OFFICIALS_HOME).status_code == 200

    sign_in(elsewhere, officer)
    new_code = StaticToken.objects.filter(device__user=officer).values_list("token", flat=True).first()
    assert elsewhere.post(VERIFY, {"code": new_code}).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the codes used above count as unused
    switched_off = own.post(reverse("accounts:disable"), {"disable-code": code_for(device.bin_key)})
    assert switched_off.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert elsewhere.get(OFFICIALS_HOME)["Location"].startswith(LOGIN)
    assert own.get(OFFICIALS_HOME).status_code == 200


def test_a_wrong_code_does_not_turn_two_factor_on(required, client):
    dinas = make_dinas()
    sign_in(client, dinas)
    client.get(ENROL)
    key = bytes.fromhex(client.session[PENDING_KEY_SESSION_KEY])
    response = client.post(ENROL, {"code": wrong_code(key)})
    assert response.status_code == 200
    assert "Kode tidak cocok" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=dinas).exists()
    assert client.get(OFFICIALS_HOME)["Location"] == step_url(ENROL, OFFICIALS_HOME)


def test_a_session_signed_in_before_the_set_up_elsewhere_signs_in_again_and_verifies(required, client_class):
    dinas = make_dinas()
    earlier, later = client_class(), client_class()
    sign_in(earlier, dinas)
    sign_in(later, dinas)
    enrol_through_the_page(later, dinas)
    assert earlier.get(OFFICIALS_HOME)["Location"].startswith(LOGIN)
    sign_in(earlier, dinas)
    response = earlier.get(OFFICIALS_HOME, follow=True)
    assert response.redirect_chain[-1][0] == step_url(VERIFY, OFFICIALS_HOME)
    assert response.status_code == 200


# Signing in with a device -----------------------------------------------------------------------------


def test_after_set_up_a_new_sign_in_asks_for_the_code_before_the_officials_pages(required, client):
    dinas = make_dinas()
    sign_in(client, dinas)
    device, used_code = enrol_through_the_page(client, dinas)
    client.post(reverse("logout"))

    sign_in(client, dinas)
    response = client.get(OFFICIALS_HOME)
    assert response.status_code == 302
    assert response["Location"] == step_url(VERIFY, OFFICIALS_HOME)
    # the code just used to set up cannot be replayed; the app's next code is accepted
    replayed = client.post(VERIFY, {"code": used_code, "next": OFFICIALS_HOME})
    assert replayed.status_code == 200
    assert "Kode salah atau sudah pernah dipakai" in replayed.content.decode()
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(minutes=1)  # the wait after that wrong code is over
    device.save()
    verified = client.post(VERIFY, {"code": code_for(device.bin_key, steps_ahead=1), "next": OFFICIALS_HOME})
    assert verified.status_code == 302
    assert verified["Location"] == OFFICIALS_HOME
    assert client.get(OFFICIALS_HOME).status_code == 200


def test_a_recovery_code_signs_in_once_only(client):
    officer = make_officer("petugas-ciruas", CIRUAS)
    _device, codes = enrolled(officer)
    sign_in(client, officer)
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": OFFICIALS_HOME})
    assert response.status_code == 302
    assert "tinggal 9 kode" in client.get(OFFICIALS_HOME).content.decode()
    assert StaticToken.objects.filter(device__user=officer).count() == 9
    client.post(reverse("logout"))

    sign_in(client, officer)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert "Kode salah atau sudah pernah dipakai" in again.content.decode()
    assert client.get(OFFICIALS_HOME)["Location"] == step_url(VERIFY, OFFICIALS_HOME)


def test_wrong_codes_are_throttled_even_when_the_right_code_follows(client):
    officer = make_officer("petugas-ciruas", CIRUAS)
    device, _codes = enrolled(officer)
    sign_in(client, officer)

    wrong = client.post(VERIFY, {"code": wrong_code(device.bin_key)})
    assert "Kode salah" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    right_too_soon = client.post(VERIFY, {"code": code_for(device.bin_key)})
    assert right_too_soon.status_code == 200
    # one wrong code is not "too many": the message says what happened and how long to wait
    assert "Kode salah. Tunggu 1 detik sebelum mencoba lagi." in right_too_soon.content.decode()
    assert "Terlalu banyak" not in right_too_soon.content.decode()
    assert client.get(OFFICIALS_HOME)["Location"] == step_url(VERIFY, OFFICIALS_HOME)

    # each wrong code doubles the wait: after the second, a second's wait is no longer enough
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=2)
    )
    client.post(VERIFY, {"code": wrong_code(device.bin_key)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=1)
    )
    still_locked = client.post(VERIFY, {"code": code_for(device.bin_key)})
    assert "Kode salah. Tunggu 1 detik" in still_locked.content.decode()

    # a third wrong code in a row: now it is "too many"
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=2)
    )
    client.post(VERIFY, {"code": wrong_code(device.bin_key)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 3
    too_many = client.post(VERIFY, {"code": code_for(device.bin_key)}).content.decode()
    assert "Terlalu banyak kode yang salah. Demi keamanan, coba lagi setelah 4 detik." in too_many

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(minutes=1)
    )
    assert client.post(VERIFY, {"code": code_for(device.bin_key)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.get(OFFICIALS_HOME).status_code == 200


# Optional for kecamatan officers; the setting ---------------------------------------------------------


def test_a_kecamatan_officer_is_not_forced_but_can_set_up_and_switch_off(required, client):
    officer = make_officer("petugas-ciruas", CIRUAS)
    sign_in(client, officer)
    assert client.get(OFFICIALS_HOME).status_code == 200
    page = client.get(SECURITY).content.decode()
    assert "Belum aktif" in page
    assert step_url(ENROL, SECURITY) in page.replace("&amp;", "&")

    device, _code = enrol_through_the_page(client, officer, next_url=SECURITY)
    client.get(CODES)
    assert "text-bg-success" in client.get(SECURITY).content.decode()

    refused = client.post(reverse("accounts:disable"), {"disable-code": wrong_code(device.bin_key)})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=officer).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    switched_off = client.post(
        reverse("accounts:disable"), {"disable-code": code_for(device.bin_key, steps_ahead=1)}
    )
    assert switched_off.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert client.get(OFFICIALS_HOME).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, officer)
    assert client.get(OFFICIALS_HOME).status_code == 200  # the password alone again


def test_a_role_that_requires_two_factor_cannot_switch_it_off(required, client):
    dinas = make_dinas()
    sign_in(client, dinas)
    device, _code = enrol_through_the_page(client, dinas)
    response = client.post(
        reverse("accounts:disable"), {"disable-code": code_for(device.bin_key, steps_ahead=1)}, follow=True
    )
    assert "tidak dapat dimatikan" in response.content.decode()
    assert TOTPDevice.objects.filter(user=dinas).exists()


def test_when_not_required_nobody_is_forced_but_enrolled_users_still_verify(not_required, client, superuser):
    sign_in(client, make_dinas())
    assert client.get(OFFICIALS_HOME).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("logout"))

    enrolled_dinas = make_dinas("dinas-dua")
    enrolled(enrolled_dinas)
    sign_in(client, enrolled_dinas)
    assert client.get(OFFICIALS_HOME)["Location"] == step_url(VERIFY, OFFICIALS_HOME)


def test_new_recovery_codes_replace_the_old_ones(client):
    officer = make_officer("petugas-ciruas", CIRUAS)
    device, old_codes = enrolled(officer)
    sign_in(client, officer)
    client.post(VERIFY, {"code": code_for(device.bin_key)})
    response = client.post(
        reverse("accounts:recovery_regenerate"), {"regenerate-code": code_for(device.bin_key, steps_ahead=1)}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    new_codes = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(new_codes) == 10
    assert not new_codes & set(old_codes)
    assert all(code in page for code in new_codes)


# Where a half-finished sign-in may go -------------------------------------------------------------------


def test_the_asked_for_page_is_kept_through_password_and_code(client):
    officer = make_officer("petugas-ciruas", CIRUAS)
    device, _codes = enrolled(officer)
    products = reverse("products:product_list") + "?q=kopi"
    response = sign_in(client, officer, next_url=products)
    assert response["Location"] == products
    to_verify = client.get(products)
    assert to_verify["Location"] == step_url(VERIFY, products)
    page = client.get(to_verify["Location"]).content.decode()
    assert 'name="next" value="/petugas/' in page
    verified = client.post(VERIFY, {"code": code_for(device.bin_key), "next": products})
    assert verified["Location"] == products


@pytest.mark.parametrize(
    "hostile", ["https://evil.example/", "//evil.example/petugas/", "javascript:alert(1)"]
)
def test_a_next_address_off_the_site_is_refused(client, hostile):
    officer = make_officer("petugas-ciruas", CIRUAS)
    device, _codes = enrolled(officer)
    sign_in(client, officer)
    page = client.get(step_url(VERIFY, hostile)).content.decode()
    assert f'name="next" value="{OFFICIALS_HOME}"' in page
    verified = client.post(VERIFY, {"code": code_for(device.bin_key), "next": hostile})
    assert verified.status_code == 302
    assert verified["Location"] == OFFICIALS_HOME


def test_an_unverified_sign_in_sees_no_page_but_the_code_step_and_can_sign_out(client):
    officer = make_officer("petugas-ciruas", CIRUAS)
    enrolled(officer)
    sign_in(client, officer)
    for path in (
        reverse("catalogue:home"),
        reverse("password_change"),
        SECURITY,
        ENROL,
        reverse("accounts:recovery_regenerate"),
    ):
        assert client.get(path)["Location"] == step_url(VERIFY, path)
    # a form sent half-way is not kept as the page to come back to
    assert client.post(reverse("accounts:disable"), {})["Location"] == VERIFY
    # htmx is told to load the code step as a page
    htmx = client.get(OFFICIALS_HOME, headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == step_url(VERIFY, OFFICIALS_HOME)

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(OFFICIALS_HOME)["Location"].startswith(LOGIN)


@pytest.mark.urls(__name__)
def test_public_files_open_while_the_code_or_the_set_up_waits(required, client_class, settings, tmp_path):
    """The header's logo (a media file) shows on the code and set-up pages, as static files do."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    (tmp_path / "media" / "identitas").mkdir(parents=True)
    (tmp_path / "media" / "identitas" / "logo.png").write_bytes(b"\x89PNG logo")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body {}")

    officer = make_officer("petugas-ciruas", CIRUAS)
    enrolled(officer)
    waiting_for_code, waiting_for_set_up = client_class(), client_class()
    sign_in(waiting_for_code, officer)
    sign_in(waiting_for_set_up, make_dinas())
    for client in (waiting_for_code, waiting_for_set_up):
        logo = client.get("/media/identitas/logo.png")
        assert logo.status_code == 200
        assert b"".join(logo.streaming_content) == b"\x89PNG logo"
        assert client.get("/static/site.css").status_code == 200
        # the pages still wait for the step
        assert client.get(OFFICIALS_HOME).status_code == 302


def test_a_device_removed_after_sign_in_is_forgotten_at_the_code_step(required, client):
    dinas = make_dinas()
    enrolled(dinas)
    sign_in(client, dinas)
    assert client.get(OFFICIALS_HOME)["Location"] == step_url(VERIFY, OFFICIALS_HOME)
    TOTPDevice.objects.filter(user=dinas).delete()
    StaticDevice.objects.filter(user=dinas).delete()
    response = client.get(step_url(VERIFY, OFFICIALS_HOME))
    assert response["Location"] == OFFICIALS_HOME
    # nothing left to verify, and the role requires two-factor: to the set-up
    assert client.get(OFFICIALS_HOME)["Location"] == step_url(ENROL, OFFICIALS_HOME)


# The admin ---------------------------------------------------------------------------------------------


def test_an_admin_sees_devices_without_their_secrets_and_can_reset_a_users_two_factor(admin_client):
    officer = make_officer("petugas-ciruas", CIRUAS)
    device, codes = enrolled(officer)
    other, _ = enrolled(make_dinas())

    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    listing = admin_client.get(changelist)
    assert listing.status_code == 200
    assert "petugas-ciruas" in listing.content.decode()
    detail = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in detail
    recovery = StaticDevice.objects.get(user=officer)
    recovery_page = admin_client.get(reverse("admin:otp_static_staticdevice_change", args=[recovery.pk]))
    assert not any(code in recovery_page.content.decode() for code in codes)
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403

    response = admin_client.post(
        changelist, {"action": "reset_two_factor", "_selected_action": [device.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Verifikasi dua langkah 1 pengguna diatur ulang" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert TOTPDevice.objects.filter(pk=other.pk).exists()


def test_the_sign_in_page_links_to_the_password_reset(client):
    page = client.get(LOGIN).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Lupa kata sandi?" in page
