from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.postgres import BACKUP_DIR_ENV, default_backup_dir, resolve_backup
from backups.services import BackupError


class Command(BaseCommand):
    help = (
        "Replace the configured PostgreSQL database and the media and private files with a backup made "
        "by `backup_postgres`. Stop the portal (web and worker) first. The backup is checked against "
        "its manifest before anything is written; the database is restored in one transaction (a "
        "failure leaves it as it was); the current media folders are kept beside the restored ones. "
        "Refuses without --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="a backup folder, or its name in the backup folder")
        parser.add_argument("--dest", help=f"the backup folder (default: ${BACKUP_DIR_ENV} or backups-data/)")
        parser.add_argument(
            "--yes", action="store_true", help="really replace every table and the media of this portal"
        )

    def handle(self, *args, backup: str, dest: str | None, yes: bool, **options) -> None:
        from backups.postgres_restore import restore_postgres

        try:
            path = resolve_backup(backup, folder=Path(dest) if dest else default_backup_dir())
            if not yes:
                raise CommandError(
                    f"This replaces every table of the database and the media with the backup {path}. "
                    "Stop the portal, then run again with --yes."
                )
            restored = restore_postgres(backup=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(manifest['tables'])} tables and {len(manifest['media']['files'])} files "
                f"from {path} (backup of {manifest['created_at']})."
            )
        )
        for key, aside in restored.moved_aside.items():
            self.stdout.write(
                f"The {key} folder as it was before is kept at {aside}; delete it when satisfied."
            )
        for key in restored.merged:
            self.stdout.write(
                self.style.WARNING(
                    f"The {key} folder could not be swapped: the backup's files were written into it."
                )
            )
        if restored.failures:
            raise CommandError(
                f"Restored, but {len(restored.failures)} table(s) differ from the manifest: "
                + ", ".join(check.subject for check in restored.failures[:10])
            )
        self.stdout.write(f"All {len(restored.checks)} tables match the manifest's row counts and checksums.")
