import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.services import reminders_send_due


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now must be an ISO date and time, e.g. 2026-12-07T07:30, not {value!r}"
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Send every official the reminder digest they are due (the same code as the scheduled task "
        "reminders.tasks.send_due_reminders). Safe to run any number of times."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get a digest; send nothing."
        )
        parser.add_argument("--now", type=_moment, help="Act as if it were this moment (ISO, local time).")

    def handle(self, *args, dry_run: bool, now: datetime.datetime | None, **options) -> None:
        report = reminders_send_due(now=now, dry_run=dry_run)
        for line in report.lines:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(
                f"Dry run: {report.sent} would be sent, {report.empty} have nothing waiting "
                f"(of {report.due} due); nothing sent."
            )
        else:
            self.stdout.write(
                f"{report.sent} sent, {report.empty} with nothing waiting, {report.taken} already sent "
                f"or being sent, {report.failed} failed (of {report.due} due)."
            )
