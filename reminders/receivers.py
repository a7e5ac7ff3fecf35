"""The reminders' side of products.signals.proposal_decided: products may not import reminders (the
layers), so the decision service announces the decision after its commit and this enqueues the e-mail."""

from products.signals import proposal_decided

from .tasks import send_decision_notice


def enqueue_decision_notice(sender, designation_id: int, **kwargs) -> None:
    send_decision_notice.enqueue(designation_id)


def connect() -> None:
    proposal_decided.connect(enqueue_decision_notice, dispatch_uid="reminders.decision_notice")
