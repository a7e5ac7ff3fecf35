"""E-mail is configured by one URL (EMAIL_URL) turned into Django 6.1's MAILERS, never the deprecated
EMAIL_BACKEND and EMAIL_HOST settings."""

import warnings

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils.deprecation import RemovedInDjango2028Warning

from ovop_portal.settings import mailers_from_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def options(url: str) -> dict:
    config = mailers_from_url(url)
    assert list(config) == ["default"]
    assert config["default"]["BACKEND"] == SMTP
    return config["default"]["OPTIONS"]


def test_smtp_is_starttls_on_587_with_the_user_and_password_of_the_url():
    assert options("smtp://ovop:rahasia@mail.serangkab.go.id:587") == {
        "host": "mail.serangkab.go.id",
        "port": 587,
        "username": "ovop",
        "password": "rahasia",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }


def test_smtp_without_a_port_uses_587_and_tls_false_turns_starttls_off_for_a_local_relay():
    assert options("smtp://relay.internal")["port"] == 587
    local = options("smtp://127.0.0.1:1025?tls=false")
    assert (local["port"], local["use_tls"], local["use_ssl"]) == (1025, False, False)
    assert (local["username"], local["password"]) == ("", "")


def test_smtps_is_tls_from_the_start_on_465():
    secure = options("smtps://ovop:rahasia@mail.serangkab.go.id")
    assert (secure["port"], secure["use_ssl"], secure["use_tls"]) == (465, True, False)
    assert options("smtps://ovop:rahasia@mail.serangkab.go.id:2465")["port"] == 2465


def test_a_percent_encoded_user_and_password_are_decoded():
    decoded = options("smtp://ovop%40serangkab.go.id:p%40ss%2Fw%3Ard%25@smtp.gmail.com:587")
    assert decoded["username"] == "ovop@serangkab.go.id"
    assert decoded["password"] == "p@ss/w:rd%"
    assert decoded["host"] == "smtp.gmail.com"


def test_the_timeout_comes_from_email_timeout_seconds(monkeypatch):
    monkeypatch.setenv("EMAIL_TIMEOUT_SECONDS", "3")
    assert options("smtp://mail.example.invalid")["timeout"] == 3
    monkeypatch.setenv("EMAIL_TIMEOUT_SECONDS", "tiga")
    with pytest.raises(ImproperlyConfigured):
        mailers_from_url("smtp://mail.example.invalid")


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console:", "django.core.mail.backends.console.EmailBackend"),
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("locmem:", "django.core.mail.backends.locmem.EmailBackend"),
    ],
)
def test_console_and_locmem_need_no_server(url, backend):
    assert mailers_from_url(url) == {"default": {"BACKEND": backend}}


@pytest.mark.parametrize(
    "url",
    [
        "mail.serangkab.go.id",  # no scheme
        "http://mail.serangkab.go.id",
        "smtp://",  # no host
        "smtp://:587",
        "sendmail:",
        "",
    ],
)
def test_a_bad_url_fails_loudly_at_start_up(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must be"):
        mailers_from_url(url)


def test_a_port_that_is_not_a_number_fails_loudly_too():
    # urlsplit raises when the port is read; start-up stops with a message naming EMAIL_URL.
    with pytest.raises(ImproperlyConfigured, match="port is not a number"):
        mailers_from_url("smtp://mail.serangkab.go.id:dua")


def test_the_mailers_smtp_options_are_ones_djangos_smtp_backend_accepts(settings):
    settings.MAILERS = mailers_from_url("smtps://ovop%40serangkab.go.id:rahasia@mail.serangkab.go.id")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango2028Warning)
        backend = mail.mailers.default  # builds the backend; connecting waits for the first message
    assert (backend.host, backend.port, backend.use_ssl, backend.use_tls) == (
        "mail.serangkab.go.id",
        465,
        True,
        False,
    )
    assert (backend.username, backend.password, backend.timeout) == ("ovop@serangkab.go.id", "rahasia", 10)


def test_the_project_configures_mail_only_through_mailers(settings):
    assert hasattr(settings, "MAILERS")
    for deprecated in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS"):
        assert not settings.is_overridden(deprecated), deprecated
