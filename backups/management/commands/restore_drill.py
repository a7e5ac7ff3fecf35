from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.postgres import BACKUP_DIR_ENV, default_backup_dir, resolve_backup, restore_drill
from backups.services import BackupError


class Command(BaseCommand):
    help = (
        "Prove a PostgreSQL backup restores: restore its dump into a scratch database "
        "(<name>_drill_<time>, always dropped at the end), compare every table's row count and checksum "
        "with the manifest, and check the media archive's SHA-256 and every file it lists. Prints a "
        "table; exit status 1 on any mismatch. Default: the newest backup in the backup folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", nargs="?", help="a backup folder, or its name in the backup folder")
        parser.add_argument("--dest", help=f"the backup folder (default: ${BACKUP_DIR_ENV} or backups-data/)")

    def handle(self, *args, backup: str | None, dest: str | None, **options) -> None:
        try:
            path = resolve_backup(backup, folder=Path(dest) if dest else default_backup_dir())
            report = restore_drill(backup=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restore drill of {report.backup} (scratch database {report.scratch_database}, dropped)"
        )
        width = max(len(check.subject) for check in report.checks)
        expected_width = max(len(check.expected) for check in report.checks)
        self.stdout.write(f"{'CHECK':<{width}}  {'MANIFEST':<{expected_width}}  {'FOUND':<20}  RESULT")
        for check in report.checks:
            result = self.style.SUCCESS("ok") if check.ok else self.style.ERROR("MISMATCH")
            self.stdout.write(
                f"{check.subject:<{width}}  {check.expected:<{expected_width}}  {check.found:<20}  {result}"
            )
        if not report.ok:
            raise CommandError(
                f"Restore drill FAILED: {len(report.failures)} of {len(report.checks)} checks do not match "
                f"the manifest ({', '.join(check.subject for check in report.failures[:5])})."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Restore drill passed: {len(report.checks)} checks match the manifest.")
        )
