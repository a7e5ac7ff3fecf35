from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ovop_portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into this database, which must be migrated and hold no "
        "data yet, and into the media folder. All or nothing: a failure leaves the database as it was."
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
                f"Restored {rows} rows and {len(manifest['media'])} media files from {path} "
                f"(backup of {manifest['created']})."
            )
        )
