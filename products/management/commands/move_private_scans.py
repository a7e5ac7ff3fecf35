from django.core.management.base import BaseCommand, CommandParser

from products.media import move_public_scans


class Command(BaseCommand):
    help = (
        "Move legality scans still stored in the public media folder to private storage, under random "
        "names. Safe to run again: scans already private are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be moved.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        report = move_public_scans(
            dry_run=dry_run,
            progress=(lambda name: self.stdout.write(f"scan {name}")) if options["verbosity"] > 1 else None,
        )
        for name in report.missing:
            self.stderr.write(f"Missing file (in neither storage): {name}")
        moved = "would be moved" if dry_run else "moved"
        self.stdout.write(
            f"{report.moved} scans {moved} to private storage, {report.already_private} already private, "
            f"{len(report.missing)} missing."
        )
