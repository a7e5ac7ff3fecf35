"""Sign-in lockout, passwords and sessions, security headers, and the faults the portal must survive
(Redis down, database down)."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_from_that_address_with_an_indonesian_message(client, dinas):
    for _ in range(4):
        assert sign_in(client, "dinas", "salah-sandi").status_code == 200  # the form, with its error
    assert sign_in(client, "dinas", "salah-sandi").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "dinas", "pw-test-12345")  # even the right password, now
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Akun dikunci sementara" in html and "selama 1 jam" in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_holds_one_account_at_one_address_only(client, dinas, officer_a):
    for _ in range(5):
        sign_in(client, "dinas", "salah-sandi")
    assert sign_in(client, "dinas", "pw-test-12345", address="10.0.0.2").status_code == 302  # elsewhere
    client.logout()
    assert sign_in(client, "petugas-ciruas", "pw-test-12345").status_code == 302  # another account


def test_a_success_before_the_limit_clears_the_failures(client, dinas):
    for _ in range(4):
        sign_in(client, "dinas", "salah-sandi")
    assert sign_in(client, "dinas", "pw-test-12345").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "dinas", "salah-sandi")
    assert sign_in(client, "dinas", "pw-test-12345").status_code == 302


@pytest.mark.parametrize("password", ["pendek1", "1234567890123", "password123", "dinas-dinas"])
def test_weak_passwords_are_refused(password):
    user = get_user_model()(username="dinas-dinas", first_name="Dinas")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_is_accepted():
    validate_password("gerabah-bumijaya-2026!", get_user_model()(username="dinas"))


def test_the_session_ends_with_the_browser_and_after_eight_hours(client, dinas, settings):
    response = sign_in(client, "dinas", "pw-test-12345")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_an_inactive_account_cannot_sign_in_nor_reach_staff_pages(client):
    user = UserFactory(username="mantan", is_staff=True, is_active=False)
    response = sign_in(client, "mantan", "pw-test-12345")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    client.force_login(user)  # even with a session made behind the form's back
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("officials:home")).status_code == 302


def test_sign_in_redirects_only_to_this_site(client, dinas):
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"username": "dinas", "password": "pw-test-12345"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("officials:home")


def test_production_sends_the_security_headers_and_secure_cookies(client, dinas, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    assert client.get("/").status_code == 301  # plain http goes to https
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    signed_in = client.post(LOGIN, {"username": "dinas", "password": "pw-test-12345"}, secure=True)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]


def test_with_redis_down_the_portal_keeps_serving(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "ovop_portal.cache_backends.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for url in ["/", reverse("catalogue:list"), reverse("catalogue:village_detail", args=["36.04.09.2009"])]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Cache"] == "miss"  # nothing could be cached: rendered each time


def test_the_redis_cache_reuses_one_client_per_pool():
    """Django's own client builds a redis.Redis (and its callback table) for every operation; ours
    keeps one per connection pool, for reads and writes alike on a single server."""
    from ovop_portal.cache_backends import TolerantRedisCache

    backend = TolerantRedisCache("redis://127.0.0.1:1/0", {})
    client = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client("another key") is client


def test_with_the_database_down_pages_answer_a_friendly_503(client):
    client.raise_request_exception = False
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("could not connect to server"),
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Portal sedang tidak dapat melayani" in html and "Traceback" not in html


def test_any_other_failure_answers_the_500_page_without_details(client):
    client.raise_request_exception = False
    with mock.patch("catalogue.views.Village.objects.in_service_area", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Terjadi kesalahan pada portal" in response.content.decode()
    assert "boom" not in response.content.decode()


def test_production_static_files_collect_with_hashed_names(settings, tmp_path):
    """The manifest storage refuses a file that points at a missing one (e.g. a source map): found
    here rather than by the first deployment."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest and "js/map.js" in manifest
