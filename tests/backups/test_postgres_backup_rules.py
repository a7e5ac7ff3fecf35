"""The parts of the PostgreSQL backups that need no PostgreSQL: which backups rotation keeps, how the
tools are called (the password never on a command line), and the refusals."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backups import postgres, rotation

# Newest first. 2026-12-07 is a Monday (ISO week 50); 11-30 to 12-06 is week 49.
FAKE_BACKUPS = [
    "20261207T020000Z",
    "20261207T010000Z",
    "20261206T020000Z",
    "20261205T020000Z",
    "20261204T020000Z",
    "20261130T020000Z",
    "20261129T020000Z",
    "20261122T020000Z",
    "20261031T020000Z",
    "20261015T020000Z",
    "20260930T020000Z",
]


def make_fake_backups(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).mkdir(parents=True)
        (folder / name / "manifest.json").write_text("{}")


def test_rotation_keeps_the_newest_backup_of_each_recent_day_week_and_month(tmp_path):
    make_fake_backups(tmp_path, FAKE_BACKUPS)
    (tmp_path / "notes").mkdir()  # not a backup: never touched
    (tmp_path / "20261001T000000Z.txt").write_text("not a backup folder either")

    deleted = rotation.to_delete(tmp_path, rotation.Policy(daily=3, weekly=2, monthly=3))

    assert sorted(p.name for p in deleted) == sorted(
        [
            "20261207T010000Z",  # an older one of a day already kept
            "20261204T020000Z",  # the 4th day back; week 49 keeps its newest (12-06) instead
            "20261129T020000Z",  # week 48 is the 3rd week back; November keeps its newest (11-30)
            "20261122T020000Z",
            "20261015T020000Z",  # October keeps its newest (10-31)
            "20260930T020000Z",  # September is the 4th month back
        ]
    )
    survivors = set(FAKE_BACKUPS) - {p.name for p in deleted}
    # days: 12-07, 12-06, 12-05; weeks: 50 (12-07), 49 (12-06); months: Dec, Nov (11-30), Oct (10-31)
    assert survivors == {
        "20261207T020000Z",
        "20261206T020000Z",
        "20261205T020000Z",
        "20261130T020000Z",
        "20261031T020000Z",
    }


def test_rotation_never_deletes_the_backup_just_made_even_when_it_keeps_nothing(tmp_path):
    make_fake_backups(tmp_path, ["20261207T020000Z", "20261207T020000Z-1", "20261206T020000Z"])
    just_made = tmp_path / "20261207T020000Z-1"

    deleted = rotation.to_delete(tmp_path, rotation.Policy(daily=0, weekly=0, monthly=0), protect=just_made)

    assert sorted(p.name for p in deleted) == ["20261206T020000Z", "20261207T020000Z"]


def test_two_backups_in_the_same_second_sort_by_their_serial():
    assert rotation.to_keep(["20261207T020000Z", "20261207T020000Z-1"], rotation.Policy(1, 0, 0)) == {
        "20261207T020000Z-1"
    }
    assert rotation.taken_at("20261399T020000Z") is None
    assert rotation.taken_at("latest") is None


POSTGRES_SETTINGS = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "ovop",
    "USER": "ovop",
    "PASSWORD": "rahasia-sekali-123",
    "HOST": "db.internal",
    "PORT": 5433,
    "OPTIONS": {"sslmode": "require", "options": "-c statement_timeout=5000"},
}


def test_the_database_password_is_never_on_the_pg_dump_command_line(monkeypatch, tmp_path):
    monkeypatch.setattr(postgres, "_settings_dict", lambda: POSTGRES_SETTINGS)
    monkeypatch.setattr(postgres, "tool_path", lambda name: f"/usr/lib/postgresql/15/bin/{name}")
    monkeypatch.setenv("PGPASSWORD", "not-the-portals-password")

    argv, env = postgres.pg_dump_argv(tmp_path / "database.dump", snapshot="00000003-0000001B-1")

    assert not any("rahasia" in arg for arg in argv)
    assert env["PGPASSWORD"] == "rahasia-sekali-123"
    assert argv == [
        "/usr/lib/postgresql/15/bin/pg_dump",
        "--format=custom",
        f"--file={tmp_path / 'database.dump'}",
        "--snapshot=00000003-0000001B-1",
        "--no-password",
        "--host=db.internal",
        "--port=5433",
        "--username=ovop",
        "--dbname=ovop",
    ]
    assert env["PGSSLMODE"] == "require"
    # the web processes' statement timeout is not pg_dump's
    assert "PGOPTIONS" not in env or "statement_timeout" not in env["PGOPTIONS"]


def test_without_a_password_setting_pg_dump_finds_the_password_where_the_portal_does(monkeypatch):
    # e.g. PGPASSWORD or a ~/.pgpass: libpq reads them for the portal's own connection too
    monkeypatch.setenv("PGPASSWORD", "from-the-service-environment")
    argv, env = postgres.connection_argv_env({**POSTGRES_SETTINGS, "PASSWORD": ""}, dbname="ovop_drill_1")
    assert env["PGPASSWORD"] == "from-the-service-environment"
    assert not any("from-the-service" in arg for arg in argv)
    assert "--dbname=ovop_drill_1" in argv


@pytest.mark.parametrize("command", ["backup_postgres", "restore_drill"])
def test_on_sqlite_the_postgres_commands_refuse_and_point_to_the_json_backup(
    command, db, tmp_path, monkeypatch
):
    if connection.vendor != "sqlite":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    make_fake_backups(tmp_path, ["20261207T020000Z"])
    dest = tmp_path / "backups"
    if command == "restore_drill":
        dest = tmp_path
    with pytest.raises(
        CommandError, match=r"not PostgreSQL.*Use `manage.py backup`, the portable JSON backup"
    ):
        call_command(command, "--dest", str(dest), stdout=io.StringIO())
    assert not (tmp_path / "backups").exists()


def test_a_real_restore_is_refused_without_yes(db, tmp_path):
    make_fake_backups(tmp_path, ["20261207T020000Z"])
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_postgres", "20261207T020000Z", "--dest", str(tmp_path), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20261207T020000Z"]


def test_the_drill_of_an_empty_backup_folder_says_there_is_none(db, tmp_path):
    with pytest.raises(CommandError, match="No backup in"):
        call_command("restore_drill", "--dest", str(tmp_path), stdout=io.StringIO())
