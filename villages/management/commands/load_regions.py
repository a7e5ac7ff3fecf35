import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, OperationalError

from villages.services import LEVELS, LevelCounts, RegionFileError, regions_load

LEVEL_LABELS = {
    "province": "provinces",
    "regency": "regencies",
    "district": "kecamatan",
    "village": "villages",
}


class Command(BaseCommand):
    help = (
        "Load a regency (e.g. 36.04), a province (e.g. 36) or, with --all, the whole country "
        "from the official region file shipped in data/wilayah/. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="Kemendagri code of a regency (36.04) or province (36)")
        parser.add_argument("--all", action="store_true", help="load every region of the country")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
        parser.add_argument("--file", type=Path, default=None, help="region CSV (.csv or .csv.gz)")

    def handle(self, *args, code: str | None, all: bool, dry_run: bool, file: Path | None, **options) -> None:
        if bool(code) == all:
            raise CommandError("Give exactly one regency or province code, or --all.")
        source = file or settings.OVOP_REGION_FILE
        started = time.monotonic()

        def progress(level: str, counts: LevelCounts) -> None:
            self.stdout.write(
                f"  {LEVEL_LABELS[level]:<10} added {counts.added:>6}  updated {counts.updated:>6}  "
                f"unchanged {counts.unchanged:>6}"
            )

        self.stdout.write(
            f"Loading {'the whole country' if all else code} from {source}"
            + (" (dry run)" if dry_run else "")
        )
        try:
            report = regions_load(
                source=source, scope=None if all else code, dry_run=dry_run, progress=progress
            )
        except RegionFileError as error:
            raise CommandError(str(error)) from error
        except (IntegrityError, OperationalError) as error:
            # Loads wait for each other (villages.services), but another writer of the region tables, or
            # SQLite's busy timeout running out behind a long load, can still get in the way.
            raise CommandError(
                f"The database refused the load ({error}). Nothing was written; if another load or "
                "import was running, run this command again."
            ) from error

        for level in LEVELS:
            counts = report.levels[level]
            if counts.removed or counts.kept:
                self.stdout.write(
                    f"  {LEVEL_LABELS[level]:<10} removed {counts.removed}, kept {counts.kept} "
                    "(no longer in the file but still used by other data)"
                )
        if report.kept_codes:
            self.stdout.write("  kept: " + ", ".join(report.kept_codes[:20]))
        verb = "Would change" if dry_run else "Done"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: added {report.total('added')}, updated {report.total('updated')}, "
                f"unchanged {report.total('unchanged')}, removed {report.total('removed')}, "
                f"kept {report.total('kept')} in {time.monotonic() - started:.1f}s"
            )
        )
