import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups import rotation
from backups.postgres import (
    BACKUP_DIR_ENV,
    backup_make,
    default_backup_dir,
    pg_dump_argv,
    require_postgresql,
)
from backups.services import BackupError


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump --format=custom, one consistent snapshot), the media "
        "and the private files into a new folder named by the UTC time, with a manifest of row counts "
        "and checksums per table and the SHA-256 of each file; then delete the older backups the "
        "grandfather-father-son rotation does not keep. The folder appears only when complete. "
        f"Default folder: ${BACKUP_DIR_ENV}, else backups-data/ in the project. On SQLite use `backup`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dest", help=f"the backup folder (default: ${BACKUP_DIR_ENV} or backups-data/)")
        parser.add_argument(
            "--keep-daily", type=_count, default=7, help="newest backup of each of the last N days"
        )
        parser.add_argument(
            "--keep-weekly", type=_count, default=4, help="newest of each of the last N weeks"
        )
        parser.add_argument(
            "--keep-monthly", type=_count, default=6, help="newest of each of the last N months"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show the pg_dump command and the backups rotation would delete; write nothing",
        )

    def handle(self, *args, dest: str | None, dry_run: bool, **options) -> None:
        folder = Path(dest) if dest else default_backup_dir()
        policy = rotation.Policy(
            daily=options["keep_daily"], weekly=options["keep_weekly"], monthly=options["keep_monthly"]
        )
        try:
            if dry_run:
                require_postgresql()
                argv, _env = pg_dump_argv(folder / "<new>" / "database.dump", snapshot="<snapshot>")
                self.stdout.write("Would run: " + " ".join(argv))
                for old in rotation.to_delete(folder, policy):
                    self.stdout.write(f"Would delete {old} (before counting the new backup)")
                return
            made = backup_make(folder=folder, policy=policy)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = made.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {made.path}: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media']['files'])} media and private files "
                f"(dump {manifest['dump']['size']} bytes, media {manifest['media']['size']} bytes)."
            )
        )
        for old in made.deleted:
            self.stdout.write(f"Deleted old backup {old}")
        kept = len(rotation.backups_in(folder))
        self.stdout.write(f"{kept} backup(s) kept in {folder}.")
