from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into this database, which must be migrated and hold no "
        "data yet, and into the media (and private files) folders. The whole archive is checked against "
        "its manifest before anything is written; a truncated or damaged file is refused with exit "
        "status 1. All or nothing: a failure leaves the database as it was."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the backup file (.tar.gz)")

    def handle(self, *args, path: str, **options) -> None:
        try:
            manifest = backup_restore(path=Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows, {len(manifest['media'])} media files and "
                f"{len(manifest['private'])} private files from {path} (backup of {manifest.get('created')})."
            )
        )
        if manifest.get("missing_files"):
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: {len(manifest['missing_files'])} file(s) named by the data were already "
                    "missing when the backup was taken: " + ", ".join(manifest["missing_files"][:20])
                )
            )
