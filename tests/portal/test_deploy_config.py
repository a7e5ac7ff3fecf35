"""The deployment files (deploy/) agree with the portal and with each other.

Their numbers are copies of the portal's: nginx's body limit of the upload limits, nginx's and the
database's timeouts of gunicorn's, the folders of the environment file. A change on one side fails
here instead of in production. deploy/check_topology.py runs the same files for real.
"""

import importlib.util
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

from assistance.forms import MAX_VISIT_PHOTOS
from core import images, scans, spreadsheets

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = DEPLOY / "systemd"
SERVICES = ["ovop-gunicorn.service", "ovop-worker.service", "ovop-scheduler.service", "ovop-backup.service"]
DEVELOPMENT_ONLY = {"OVOP_DEMO_PASSWORD", "OVOP_REGION_FILE"}


def env_file(path: Path) -> dict[str, str]:
    lines = [line.strip() for line in path.read_text().splitlines()]
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def unit(name: str) -> dict[str, list[str]]:
    """Each key of a unit file with its values, in order."""
    keys: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def nginx() -> str:
    return (DEPLOY / "nginx" / "ovop.conf").read_text()


def nginx_block(prefix: str) -> str:
    """The block of a location of the HTTPS server (the last server of the file)."""
    blocks = re.findall(rf"location {re.escape(prefix)} \{{(.*?)\n    \}}", nginx(), re.S)
    assert blocks, prefix
    return blocks[-1]


def megabytes(value: str) -> int:
    assert value.endswith("m"), value
    return int(value[:-1]) * 1024 * 1024


def seconds(value: str) -> int:
    assert value.endswith("s"), value
    return int(value[:-1])


def gunicorn_timeout() -> int:
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["timeout"]


def test_nginx_takes_the_largest_upload_the_portal_accepts():
    limit = megabytes(re.search(r"client_max_body_size (\S+);", nginx()).group(1))
    # A visit or an exploration with its five photos, plus the form's text fields.
    largest = MAX_VISIT_PHOTOS * images.MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit >= largest
    assert limit >= max(scans.SCAN_MAX_BYTES, spreadsheets.MAX_UPLOAD_BYTES)
    assert limit <= 2 * largest  # not an open door either


def test_nginx_waits_for_gunicorn_longer_than_gunicorn_waits_for_a_request():
    proxy = nginx_block("/")
    assert seconds(re.search(r"proxy_read_timeout (\S+);", proxy).group(1)) > gunicorn_timeout()
    assert seconds(re.search(r"proxy_send_timeout (\S+);", proxy).group(1)) > gunicorn_timeout()
    # The longest request left on the web, the XLSX registry of a whole country, takes ~20 s (bench/).
    assert gunicorn_timeout() >= 3 * 20


def test_the_statement_timeout_is_set_for_the_web_only_and_ends_before_gunicorns_timeout():
    web = " ".join(unit("ovop-gunicorn.service")["ExecStart"])
    timeout_ms = int(re.search(r"--env DATABASE_STATEMENT_TIMEOUT_MS=(\d+)", web).group(1))
    assert 0 < timeout_ms < gunicorn_timeout() * 1000
    assert env_file(DEPLOY / "ovop.env")["DATABASE_STATEMENT_TIMEOUT_MS"] == "0"
    for name in SERVICES[1:]:
        assert "DATABASE_STATEMENT_TIMEOUT_MS" not in (UNITS / name).read_text().replace("# No DATABASE", "")


def test_nginx_serves_the_folders_the_environment_file_names():
    env = env_file(DEPLOY / "ovop.env")
    assert f"alias {env['DJANGO_STATIC_ROOT']}/;" in nginx_block("/static/")
    assert f"alias {env['DJANGO_MEDIA_ROOT']}/;" in nginx_block("/media/")
    private = nginx_block(env["OVOP_PRIVATE_FILES_ACCEL"])
    assert "internal;" in private
    assert f"alias {env['DJANGO_PRIVATE_MEDIA_ROOT']}/;" in private
    assert 'Cache-Control "private, no-store"' in private


def test_nginx_forwards_what_the_portal_trusts_behind_one_proxy():
    env = env_file(DEPLOY / "ovop.env")
    assert env["DJANGO_BEHIND_PROXY"] == "true" and env["DJANGO_PROXY_COUNT"] == "1"
    for prefix in ("/", "= /readyz/", "= /healthz/"):
        block = nginx_block(prefix)
        assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in block, prefix
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in block, prefix
    assert "return 301 https://$host$request_uri;" in nginx()


def test_the_environment_file_sets_every_production_variable_of_env_example():
    example = set(env_file(Path(settings.BASE_DIR) / ".env.example"))
    production = set(env_file(DEPLOY / "ovop.env"))
    assert example - DEVELOPMENT_ONLY <= production
    env = env_file(DEPLOY / "ovop.env")
    assert env["DJANGO_DEBUG"] == "false" and env["OVOP_TASKS"] == "database"
    assert int(env["DATABASE_CONN_MAX_AGE"]) > 0  # persistent connections, checked before reuse


def test_the_environment_file_passes_the_deploy_checks(tmp_path):
    env = {
        **env_file(DEPLOY / "ovop.env"),
        "DJANGO_SECRET_KEY": "x" * 30 + "-deploy-config-test-" + "y" * 30,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "PATH": os.environ["PATH"],
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", SERVICES)
def test_every_unit_runs_as_ovop_hardened_with_only_the_file_folders_writable(name):
    keys = unit(name)
    assert keys["User"] == ["ovop"]
    assert keys["EnvironmentFile"] == ["/etc/ovop/ovop.env"]
    for option in ("NoNewPrivileges", "PrivateTmp", "ProtectHome"):
        assert keys[option] == ["true"], option
    assert keys["ProtectSystem"] == ["strict"]
    env = env_file(DEPLOY / "ovop.env")
    writable = " ".join(keys["ReadWritePaths"]).split()
    if name == "ovop-backup.service":
        assert writable == [env["OVOP_BACKUP_DIR"]]
        assert f"--dest {env['OVOP_BACKUP_DIR']}" in keys["ExecStart"][0]
    else:
        assert {env["DJANGO_MEDIA_ROOT"], env["DJANGO_PRIVATE_MEDIA_ROOT"]} <= set(writable)


def test_the_worker_and_the_scheduler_restart_always_and_stop_on_sigterm():
    for name in ("ovop-worker.service", "ovop-scheduler.service"):
        keys = unit(name)
        assert keys["Restart"] == ["always"] and keys["KillSignal"] == ["SIGTERM"], name
        assert int(keys["TimeoutStopSec"][0]) > 0, name
    web = unit("ovop-gunicorn.service")
    graceful = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["graceful_timeout"]
    assert int(web["TimeoutStopSec"][0]) > graceful


def test_the_units_run_management_commands_that_exist():
    commands = get_commands()
    for name in SERVICES[1:]:
        command = unit(name)["ExecStart"][0].split("manage.py ", 1)[1].split()[0]
        assert command in commands, f"{name}: manage.py {command}"
    assert "OnCalendar" in (UNITS / "ovop-backup.timer").read_text()


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl") and os.geteuid() == 0),
    reason="needs nginx, openssl and root (the generated configuration runs nginx's workers as root)",
)
def test_nginx_accepts_the_site_as_check_topology_runs_it(tmp_path):
    spec = importlib.util.spec_from_file_location("check_topology", DEPLOY / "check_topology.py")
    topology = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(topology)
    for folder in ("tls", "nginx", "static", "media", "private", "acme"):
        (tmp_path / folder).mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(tmp_path / "tls" / "key.pem"), "-out", str(tmp_path / "tls" / "cert.pem")],
        check=True,
        capture_output=True,
    )
    site = tmp_path / "nginx" / "ovop.conf"
    site.write_text(topology.nginx_site(tmp_path, 18443, 18080, [18101, 18102]))
    main = tmp_path / "nginx" / "nginx.conf"
    main.write_text(topology.nginx_main(tmp_path, site))
    done = subprocess.run(
        [
            "nginx",
            "-t",
            "-p",
            str(tmp_path / "nginx"),
            "-e",
            str(tmp_path / "nginx" / "error.log"),
            "-c",
            str(main),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
