from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import Refused
from seeding.scale import DEFAULT_SEED, StageReport, scale_data_create


class Command(BaseCommand):
    help = (
        "FOR BENCHMARKS ONLY: load every region of the country and generate national-scale, "
        "deterministic OVOP data (flagship products for about 70% of villages, ~3 producers each, "
        "documents, assessments, 2 programmes per regency per year over 3 years, about 500,000 "
        "deliveries, mentoring visits, outcome figures). Refuses a database that already holds "
        "products, producers or programmes unless --reset, which DELETES them all (and their history) "
        "first: only for a benchmark database. Writes no history rows. The whole country takes about "
        "4 minutes on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"the same seed gives the same rows (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="share of the activity volume (deliveries, visits, outcome records), more than 0 and at "
            "most 1; coverage and producers per product stay as they are (default 1)",
        )
        parser.add_argument(
            "--regions",
            nargs="+",
            metavar="CODE",
            help="only these provinces or regencies (e.g. 36.04 19); default: the whole country",
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="the latest fiscal year (default: this year); data ends on 30 June",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first DELETE every product, producer, programme and all that points to them (documents, "
            "photos, designations, assessments, deliveries, visits, outcomes) with their history",
        )
        parser.add_argument("--dry-run", action="store_true", help="generate everything, then roll it back")
        parser.add_argument("--file", type=Path, default=None, help="region CSV (.csv or .csv.gz)")

    def handle(self, *args, seed, scale, regions, year, reset, dry_run, file, verbosity, **options) -> None:
        codes = [code for value in regions or [] for code in value.split(",") if code.strip()]

        def progress(stage: StageReport) -> None:
            if verbosity >= 1:
                self.stdout.write(stage.line())

        if verbosity >= 1:
            self.stdout.write(
                f"Generating benchmark data (seed {seed}, scale {scale:g}, "
                f"{', '.join(codes) if codes else 'the whole country'})" + (" (dry run)" if dry_run else "")
            )
        try:
            report = scale_data_create(
                seed=seed,
                scale=scale,
                regions=codes,
                year=year,
                reset=reset,
                dry_run=dry_run,
                region_file=file,
                progress=progress,
            )
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        if verbosity >= 2:
            for label, count in report.tables.items():
                self.stdout.write(f"    {label:<32} {count:>10,}")
        if verbosity >= 1:
            verb = "Would write" if dry_run else "Wrote"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} {report.rows:,} rows for fiscal years {report.years[0]}-{report.years[-1]} "
                    f"in {report.seconds:.1f}s."
                )
            )
