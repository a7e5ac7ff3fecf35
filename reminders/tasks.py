"""Background tasks of the reminders (Django's tasks framework). The scheduler (OVOP_SCHEDULE)
enqueues send_due_reminders every 15 minutes; it decides itself who is due (reminders.services)."""

from django.tasks import task

from . import services


@task
def send_due_reminders() -> dict:
    report = services.reminders_send_due()
    return {
        "due": report.due,
        "sent": report.sent,
        "empty": report.empty,
        "taken": report.taken,
        "failed": report.failed,
    }


@task
def send_decision_notice(designation_id: int) -> str:
    return services.decision_notice_send(designation_id=designation_id)
