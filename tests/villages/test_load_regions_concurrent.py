"""Two load_regions at once: the second waits for the first and then finds nothing left to do."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.postgres import another_session_waits_for_a_lock
from villages import services
from villages.models import District, Province, Regency, Village


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_loads_of_the_same_regency_at_once_both_finish_and_load_it_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs two connections writing at once; SQLite's IMMEDIATE transactions (settings.py) take "
            "the single write lock at BEGIN, so a second load waits before it reads anything"
        )
    start = threading.Barrier(2)
    first_has_read, second_has_read, first_may_go_on = (threading.Event() for _ in range(3))
    real_existing = services._existing

    def existing(level: str, scope: str | None) -> dict:
        rows = real_existing(level, scope)
        if level == "province":
            # The first load stops right after reading "nothing there yet", still inside its transaction.
            if threading.current_thread().name == "first":
                first_has_read.set()
                assert first_may_go_on.wait(timeout=60)
            else:
                second_has_read.set()
        return rows

    monkeypatch.setattr(services, "_existing", existing)
    outputs: dict[str, str] = {}
    errors: dict[str, BaseException] = {}

    def load(name: str) -> None:
        try:
            start.wait(timeout=30)
            if name == "second":
                assert first_has_read.wait(timeout=60)
            out = StringIO()
            call_command("load_regions", "19.05", stdout=out)
            outputs[name] = out.getvalue()
        except BaseException as error:  # noqa: BLE001 -- reported by the assertion below
            errors[name] = error
            first_may_go_on.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=load, args=(name,), name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    # Let the first load go on once the second is certainly racing it: either it has read the same empty
    # tables (no lock), or it is queued behind the first one's lock.
    for _ in range(1200):
        if second_has_read.wait(timeout=0.05) or another_session_waits_for_a_lock() or errors:
            break
    first_may_go_on.set()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == {}
    assert sorted(outputs) == ["first", "second"]
    assert "added 74, updated 0, unchanged 0" in outputs["first"]
    assert "added 0, updated 0, unchanged 74" in outputs["second"]
    assert Province.objects.filter(code="19").count() == 1
    assert Regency.objects.filter(code="19.05").count() == 1
    assert District.objects.filter(regency_id="19.05").count() == 6
    assert Village.objects.filter(district__regency_id="19.05").count() == 66


@pytest.mark.django_db
def test_a_load_that_collides_with_another_writer_ends_with_a_clear_message_and_writes_nothing(
    monkeypatch,
):
    real_existing = services._existing

    def existing(level: str, scope: str | None) -> dict:
        rows = real_existing(level, scope)
        if level == "province":
            # Someone else (the admin, an older portal without the lock) adds the same province meanwhile.
            Province.objects.create(code="19", name="Kepulauan Bangka Belitung")
        return rows

    monkeypatch.setattr(services, "_existing", existing)
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("load_regions", "19.05", stdout=StringIO())
    assert not Regency.objects.filter(code="19.05").exists()
    assert not Village.objects.filter(district__regency_id="19.05").exists()
