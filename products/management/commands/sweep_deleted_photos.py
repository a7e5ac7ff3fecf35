import datetime

from django.core.management.base import BaseCommand, CommandError

from core.history import deleted_files_sweep
from products.models import ProductPhoto


class Command(BaseCommand):
    help = (
        "Remove the files of product photos deleted more than --days ago (default 30). Until then they "
        "are kept, so that restoring a deleted product or photo brings its pictures back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--dry-run", action="store_true", help="list the files, remove nothing")

    def handle(self, *args, days: int, dry_run: bool, **options) -> None:
        if days < 0:
            raise CommandError("--days cannot be negative.")
        removed = deleted_files_sweep(ProductPhoto, older_than=datetime.timedelta(days=days), dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(removed)} file(s) of deleted photos."))
