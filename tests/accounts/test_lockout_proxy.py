"""The sign-in lockout counts the visitor's address: the one the trusted proxy saw behind a proxy, the
connection's own address otherwise; a forwarded-for header the visitor writes never changes it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from accounts.passwords import client_address

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.254"
VISITOR_A = "203.0.113.5"
VISITOR_B = "198.51.100.7"
ROOT = Path(__file__).resolve().parents[2]


def sign_in(client, password: str, *, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": "dinas", "password": password}, **headers)


@pytest.fixture
def behind_one_proxy(settings):
    settings.OVOP_PROXY_COUNT = 1


@pytest.fixture
def not_behind_a_proxy(settings):
    settings.OVOP_PROXY_COUNT = 0


def test_behind_the_proxy_five_failures_lock_visitor_a_but_visitor_b_can_still_sign_in(
    client, dinas, behind_one_proxy
):
    for _ in range(4):
        assert sign_in(client, "salah-sandi", remote=PROXY, forwarded=VISITOR_A).status_code == 200
    assert sign_in(client, "salah-sandi", remote=PROXY, forwarded=VISITOR_A).status_code == 429
    assert sign_in(client, "pw-test-12345", remote=PROXY, forwarded=VISITOR_A).status_code == 429

    # Same proxy connection, another visitor behind it: not locked out by A's failures.
    assert sign_in(client, "pw-test-12345", remote=PROXY, forwarded=VISITOR_B).status_code == 302


def test_behind_the_proxy_a_spoofed_left_hand_forwarded_entry_does_not_escape_the_lock(
    client, dinas, behind_one_proxy
):
    # The visitor writes its own X-Forwarded-For; the proxy appends the address it really saw.
    for n in range(5):
        sign_in(client, "salah-sandi", remote=PROXY, forwarded=f"192.0.2.{n}, {VISITOR_A}")
    locked = sign_in(client, "pw-test-12345", remote=PROXY, forwarded=f"192.0.2.99, {VISITOR_A}")
    assert locked.status_code == 429
    assert "Akun dikunci sementara" in locked.content.decode()


def test_not_behind_a_proxy_rotating_forwarded_addresses_does_not_escape_the_lock(
    client, dinas, not_behind_a_proxy
):
    for n in range(5):
        sign_in(client, "salah-sandi", remote=VISITOR_A, forwarded=f"192.0.2.{n}")
    assert sign_in(client, "pw-test-12345", remote=VISITOR_A, forwarded="192.0.2.200").status_code == 429
    assert sign_in(client, "pw-test-12345", remote=VISITOR_A).status_code == 429


def test_the_lockout_records_the_visitors_address_not_the_proxys(client, dinas, behind_one_proxy):
    from axes.models import AccessAttempt

    sign_in(client, "salah-sandi", remote=PROXY, forwarded=f"192.0.2.1, {VISITOR_A}")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [VISITOR_A]


def address(count: int, remote: str = PROXY, forwarded: str | None = None) -> str | None:
    from django.test import override_settings

    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(OVOP_PROXY_COUNT=count):
        return client_address(RequestFactory().get("/", **meta))


def test_the_client_address_is_the_entry_the_outermost_trusted_proxy_appended():
    assert address(1, forwarded="192.0.2.1, 203.0.113.5") == "203.0.113.5"
    assert address(2, forwarded="192.0.2.1, 203.0.113.5, 10.0.0.9") == "203.0.113.5"
    assert address(1, forwarded="192.0.2.1,2001:db8::7") == "2001:db8::7"
    assert address(0, remote="203.0.113.5", forwarded="192.0.2.1") == "203.0.113.5"


@pytest.mark.parametrize(
    "forwarded",
    [None, "", "   ", "unknown", "203.0.113.5:8080", "<script>", "203.0.113.5, ", "999.1.1.1", "a" * 5000],
)
def test_a_missing_or_malformed_forwarded_header_falls_back_to_the_connections_address(forwarded):
    assert address(1, forwarded=forwarded) == PROXY


def test_fewer_forwarded_entries_than_trusted_proxies_falls_back_to_the_connections_address():
    assert address(2, forwarded="203.0.113.5") == PROXY


def test_a_malformed_sign_in_from_behind_the_proxy_is_counted_without_an_error(
    client, dinas, behind_one_proxy
):
    response = sign_in(client, "salah-sandi", remote=PROXY, forwarded="not-an-address, <b>")
    assert response.status_code == 200


def settings_value(proxy: str, count: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OVOP_"))}
    env.update({"DJANGO_DEBUG": "true", "DJANGO_BEHIND_PROXY": proxy})
    if count is not None:
        env["DJANGO_PROXY_COUNT"] = count
    code = "import ovop_portal.settings as s; print(s.OVOP_PROXY_COUNT)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_proxy_count_is_one_hop_behind_a_proxy_and_none_otherwise():
    assert settings_value("true", None).stdout.strip() == "1"
    assert settings_value("true", "2").stdout.strip() == "2"
    assert settings_value("false", None).stdout.strip() == "0"


@pytest.mark.parametrize("count", ["zwei", "0", "-1", "11"])
def test_a_malformed_proxy_count_stops_start_up(count):
    result = settings_value("true", count)
    assert result.returncode != 0
    assert "DJANGO_PROXY_COUNT" in result.stderr
