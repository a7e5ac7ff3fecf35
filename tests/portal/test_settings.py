import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def django_check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = django_check({"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_malformed_boolean_stops_start_up():
    result = django_check({"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_a_malformed_regency_code_stops_start_up():
    result = django_check({"DJANGO_DEBUG": "true", "OVOP_REGENCY_CODE": "Serang"})
    assert result.returncode != 0
    assert "OVOP_REGENCY_CODE must be a regency code" in result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="runs manage.py in a subprocess")
def test_check_deploy_is_clean_with_production_variables():
    result = django_check(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-like-secret-" + "y" * 20,
            "DJANGO_ALLOWED_HOSTS": "ovop.example.go.id",
            "EMAIL_URL": "smtp://ovop%40example.go.id:secret@mail.example.go.id:587",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="runs manage.py in a subprocess")
def test_check_deploy_warns_when_production_has_no_email_server():
    """Without EMAIL_URL e-mails only reach the console log: password reset and reminders would say
    "sent" and send nothing, so the production check says so."""
    result = django_check(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-like-secret-" + "y" * 20,
            "DJANGO_ALLOWED_HOSTS": "ovop.example.go.id",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "email" in (result.stdout + result.stderr).lower()


@pytest.mark.skipif(sys.platform != "linux", reason="runs manage.py in a subprocess")
def test_a_public_address_that_is_not_a_host_name_stops_start_up():
    """E-mail links and printed QR codes are built on it: a pattern taken from ALLOWED_HOSTS would make
    every one of them dead."""
    production = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-like-secret-" + "y" * 20,
    }
    for hosts, public in [
        (".serangkab.go.id", None),
        ("*", None),
        ("ovop.serangkab.go.id", "https://ovop/x"),
    ]:
        env = {**production, "DJANGO_ALLOWED_HOSTS": hosts}
        if public:
            env["OVOP_PUBLIC_URL"] = public
        result = django_check(env)
        assert result.returncode != 0, (hosts, public)
        assert "OVOP_PUBLIC_URL must be like" in result.stderr
    good = django_check(
        {
            **production,
            "DJANGO_ALLOWED_HOSTS": ".serangkab.go.id",
            "OVOP_PUBLIC_URL": "https://ovop.serangkab.go.id",
        }
    )
    assert good.returncode == 0, good.stderr


def test_manage_py_on_a_developers_checkout_runs_in_development_mode():
    result = django_check({})
    assert result.returncode == 0, result.stderr


def test_the_wsgi_application_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", "import ovop_portal.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
