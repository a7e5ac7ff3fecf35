"""Helpers for the tests that only PostgreSQL can run (row locks between parallel connections)."""

from django.db import connection


def another_session_waits_for_a_lock() -> bool:
    """Whether another connection to the test database is blocked on a lock right now: the event a
    concurrency test waits for before it lets the first writer go on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0
