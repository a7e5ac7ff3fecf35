import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.services import BackupError, backup_create

# Exit status with --strict when rows name files that are missing on disk (the backup is still written).
EXIT_MISSING_FILES = 2


class Command(BaseCommand):
    help = (
        "Back up the database (every table, one consistent snapshot), the uploaded media and the private "
        "files into one .tar.gz file, checked against its manifest before it is kept. Files that rows "
        "name but that are missing on disk are listed as a warning; the backup is still written and the "
        f"exit status is 0, or {EXIT_MISSING_FILES} with --strict. Any other failure: exit status 1, "
        "no file written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="the file to write (default: backups-data/ovop-<date-time>.tar.gz)",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=f"exit with status {EXIT_MISSING_FILES} when rows name files missing on disk",
        )

    def handle(self, *args, path: str | None = None, strict: bool = False, **options) -> None:
        target = Path(path or f"backups-data/ovop-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            result = backup_create(path=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}: {rows} rows, {len(manifest['media'])} media files, "
                f"{len(manifest['private'])} private files."
            )
        )
        if result.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: {len(result.missing_files)} file(s) named by the data are missing on disk "
                    "and are not in the backup:"
                )
            )
            for name in result.missing_files:
                self.stderr.write(f"  {name}")
            if strict:
                raise CommandError(
                    f"{len(result.missing_files)} file(s) missing on disk (backup written to {target}).",
                    returncode=EXIT_MISSING_FILES,
                )
