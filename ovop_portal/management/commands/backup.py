import datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from ovop_portal.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database (every table) and the uploaded media into one .tar.gz file."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="the file to write (default: backups/ovop-<date-time>.tar.gz)",
        )

    def handle(self, *args, path: str | None = None, **options) -> None:
        target = Path(path or f"backups/ovop-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar.gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        manifest = backup_create(path=target)
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}: {rows} rows, {len(manifest['media'])} media files."
            )
        )
