import datetime

from django.core.management.base import BaseCommand, CommandParser

from products.media import GRACE_PERIOD, sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Remove uploaded files (media and private storage) that no row or history row references and "
        "that are older than the grace period, e.g. renditions left by a worker killed mid-upload."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be removed.")
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=int(GRACE_PERIOD.total_seconds() // 60),
            help="Leave files younger than this alone: an upload may still be in progress (default 60).",
        )

    def handle(self, *args, dry_run: bool, grace_minutes: int, **options) -> None:
        if grace_minutes < 0:
            self.stderr.write("--grace-minutes cannot be negative.")
            raise SystemExit(2)
        verb = "Would remove" if dry_run else "Removing"
        progress = (lambda path: self.stdout.write(f"{verb} {path}")) if options["verbosity"] > 1 else None
        report = sweep_orphan_files(
            dry_run=dry_run, grace=datetime.timedelta(minutes=grace_minutes), progress=progress
        )
        done = "would be removed" if dry_run else "removed"
        self.stdout.write(
            f"{report.examined} files examined, {len(report.removed)} orphan files {done}, "
            f"{report.kept_recent} unreferenced files kept as younger than {grace_minutes} minutes."
        )
