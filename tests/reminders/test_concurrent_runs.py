"""Two sending runs at the same moment (the scheduled task and a command, or two workers): one digest
per official and period. Only PostgreSQL runs two connections in parallel; SQLite serialises writes."""

import threading

import pytest
from django.core import mail
from django.db import connection

from reminders import services
from reminders.models import SentReminder
from tests.factories import LegalityDocumentFactory, ProductFactory, make_officer
from tests.reminders.conftest import MONDAY_MORNING, days, with_email


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_digest(regions, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("parallel connections need PostgreSQL; SQLite serialises all writes")
    officer = with_email(make_officer("petugas-ciruas", "36.04.09"))
    LegalityDocumentFactory(product=ProductFactory(), expires_on=days(10))
    # Both runs pass the "already sent?" read before either claims: the claim alone must decide.
    both_read = threading.Barrier(2)
    claim = services._claim

    def claim_after_both_read(*args, **kwargs):
        both_read.wait(timeout=10)
        return claim(*args, **kwargs)

    monkeypatch.setattr(services, "_claim", claim_after_both_read)
    reports = []

    def run() -> None:
        try:
            reports.append(services.reminders_send_due(now=MONDAY_MORNING))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted((r.sent, r.taken) for r in reports) == [(0, 1), (1, 0)]
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert SentReminder.objects.get(user=officer).status == SentReminder.Status.SENT
