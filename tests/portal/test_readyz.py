"""/readyz/: 200 when the process can do its work, 503 naming the part that cannot.

Each failure is made for real where that is cheap (a Redis address nothing listens on, a media folder
that cannot exist, a stale heartbeat row) and by a patch where it is not (the database, pending
migrations).
"""

import datetime
import json
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from jobs import health
from jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

URL = reverse("ready")
CHECKS = ["database", "cache", "media", "private_media", "migrations", "worker"]


@pytest.fixture(autouse=True)
def _migrations_not_yet_seen(monkeypatch):
    """Each test starts as a fresh process would: not yet having seen that no migration is pending."""
    monkeypatch.setattr(health, "_migrations_applied", False)


def _ready(client) -> tuple[int, dict, object]:
    response = client.get(URL)
    return response.status_code, json.loads(response.content), response


def _project_redis(settings, location: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "ovop_portal.cache_backends.TolerantRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "ovop",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    caches["default"].breaker.reset()


def _heartbeat(seconds_ago: int) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(
        worker_id="worker-1",
        hostname="app1",
        pid=4242,
        beat_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
    )


def test_everything_ready_answers_200_listing_each_check_and_is_never_cached(client):
    status, body, response = _ready(client)
    assert status == 200
    assert body["status"] == "ok" and body["failed"] == []
    assert list(body["checks"]) == CHECKS
    assert body["checks"]["worker"] == "not used"  # development: tasks run inside the request
    assert all(body["checks"][name] == "ok" for name in CHECKS[:-1])
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_the_probe_leaves_no_file_in_either_storage(client, settings):
    assert _ready(client)[0] == 200
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        assert list(root.iterdir()) == []


def test_a_database_error_answers_503_naming_the_database_without_details(client):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("could not connect to db-secret.internal")
    ):
        status, body, response = _ready(client)
    assert status == 503
    assert body["failed"] == ["database"]
    assert body["checks"]["migrations"].startswith("not checked")
    assert "db-secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_dead_redis_answers_503_naming_the_cache_although_the_cache_hides_it_from_pages(client, settings):
    _project_redis(settings, "redis://127.0.0.1:1/9")  # nothing listens there
    caches["default"].set("page", "x")  # what pages do: the failure is swallowed
    status, body, _ = _ready(client)
    caches["default"].breaker.reset()
    assert status == 503
    assert body["failed"] == ["cache"]


def test_a_live_redis_with_the_projects_backend_is_ready(client, settings):
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/9", socket_connect_timeout=0.2).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    _project_redis(settings, "redis://127.0.0.1:6379/9")
    status, body, _ = _ready(client)
    assert status == 200 and body["checks"]["cache"] == "ok"


@pytest.mark.parametrize(
    ("setting", "check"), [("MEDIA_ROOT", "media"), ("PRIVATE_MEDIA_ROOT", "private_media")]
)
def test_a_storage_that_cannot_be_written_answers_503_naming_it(client, settings, tmp_path, setting, check):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder's parent should be")  # root can write anywhere else
    setattr(settings, setting, blocker / "files")
    status, body, _ = _ready(client)
    assert status == 503
    assert body["failed"] == [check]


def test_pending_migrations_answer_503_naming_them(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[("a migration", False)]):
        status, body, _ = _ready(client)
    assert status == 503
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"] == "failed: migrations not applied"


def test_once_no_migration_was_pending_the_process_does_not_load_the_graph_again(client):
    assert _ready(client)[0] == 200
    with mock.patch.object(MigrationExecutor, "__init__", side_effect=AssertionError("loaded again")):
        assert _ready(client)[0] == 200


def test_a_pending_migration_is_checked_again_on_the_next_probe(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[("a migration", False)]):
        assert _ready(client)[0] == 503
    assert _ready(client)[0] == 200  # applied in between


def test_with_a_worker_backend_and_no_heartbeat_the_worker_is_named(client, settings):
    settings.OVOP_TASKS = "database"
    status, body, _ = _ready(client)
    assert status == 503
    assert body["failed"] == ["worker"]


def test_a_stale_heartbeat_answers_503_naming_the_worker(client, settings):
    settings.OVOP_TASKS = "database"
    settings.OVOP_WORKER_STALE_SECONDS = 60
    _heartbeat(seconds_ago=61)
    status, body, _ = _ready(client)
    assert status == 503
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"] == "failed: no worker heartbeat in the last 60 s"


def test_a_recent_heartbeat_makes_the_worker_ready(client, settings):
    settings.OVOP_TASKS = "database"
    settings.OVOP_WORKER_STALE_SECONDS = 60
    _heartbeat(seconds_ago=5)
    status, body, _ = _ready(client)
    assert status == 200
    assert body["checks"]["worker"] == "ok"


def test_a_bug_in_the_checks_still_answers_a_503_and_never_raises(client):
    client.raise_request_exception = True
    with mock.patch.object(health, "run_checks", side_effect=RuntimeError("boom")):
        status, body, response = _ready(client)
    assert status == 503 and body["failed"] == ["readiness"]
    assert "boom" not in response.content.decode()


def test_a_post_is_refused(client):
    assert client.post(URL).status_code == 405
