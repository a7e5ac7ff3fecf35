"""Readiness: can this process do its work, not only answer (that is /healthz/, core.views.health).

/readyz/ is asked by the reverse proxy's or the load balancer's health check, by deploy scripts after a
restart (deploy/check_topology.py) and by monitoring. It checks, in this order:

- database: a trivial query;
- cache: a random key set and read back on the default cache. The portal's Redis backend
  (ovop_portal/cache_backends.py) swallows Redis failures so that pages keep serving; here its strict
  operations are used, which raise instead, so a dead Redis (or one the breaker is skipping) shows;
- media and private_media: a small probe file written and deleted through each storage
  (MEDIA_ROOT and PRIVATE_MEDIA_ROOT);
- migrations: no migration left to apply. Loading the migration graph takes tens of milliseconds, so
  once a process has seen none pending it remembers it: migrations are applied before a release's
  processes start, and a new release starts new processes;
- worker: a task worker (manage.py run_worker) wrote its heartbeat within OVOP_WORKER_STALE_SECONDS;
  with OVOP_TASKS=immediate tasks run inside the request and there is no worker to wait for.

It answers 200 when every check passes and 503 naming the failed ones, as a small JSON object. The
body names checks and fixed reasons only: no exception text, which could hold host names or users.
The details go to the log. The view never raises and is never cached (not by the page cache, which
only decorated views use, and not by browsers or proxies: no-store).
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from jobs.models import WorkerHeartbeat
from jobs.recovery import stale_cutoff

logger = logging.getLogger(__name__)

OK = "ok"
NOT_USED = "not used"
NOT_CHECKED = "not checked: the database failed"

# Set once this process has seen no pending migration (see the module's docstring).
_migrations_applied = False


class CheckFailed(Exception):
    """A check's answer is no, for the reason given (shown in the response: a fixed text)."""


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("unexpected answer")
    return OK


def _cache() -> str:
    backend = caches["default"]
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    # TolerantRedisCache's plain get/set turn a Redis failure into a miss; its strict_* raise.
    set_, get, delete = (
        (backend.strict_set, backend.strict_get, backend.strict_delete)
        if hasattr(backend, "strict_set")
        else (backend.set, backend.get, backend.delete)
    )
    set_(key, value, timeout=30)  # expires on its own should the delete below not happen
    if get(key) != value:
        raise CheckFailed("a value written could not be read back")
    delete(key)
    return OK


def _storage(alias: str) -> str:
    storage = storages[alias]
    name = storage.save(f".readyz-{secrets.token_hex(8)}", ContentFile(b"readyz\n"))
    storage.delete(name)
    return OK


def _migrations() -> str:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CheckFailed("migrations not applied")
        _migrations_applied = True
    return OK


def _worker() -> str:
    if settings.OVOP_TASKS == "immediate":
        return NOT_USED
    # The database's clock, by which the heartbeats are written (jobs.worker).
    if not WorkerHeartbeat.objects.filter(beat_at__gte=stale_cutoff()).exists():
        raise CheckFailed(f"no worker heartbeat in the last {settings.OVOP_WORKER_STALE_SECONDS} s")
    return OK


CHECKS = [
    ("database", _database),
    ("cache", _cache),
    ("media", lambda: _storage("default")),
    ("private_media", lambda: _storage("private")),
    ("migrations", _migrations),
    ("worker", _worker),
]
NEEDS_DATABASE = frozenset({"migrations", "worker"})


def run_checks() -> dict[str, tuple[bool, str]]:
    """Each check's name with whether it passed and what it found."""
    results: dict[str, tuple[bool, str]] = {}
    for name, check in CHECKS:
        if name in NEEDS_DATABASE and not results["database"][0]:
            results[name] = (True, NOT_CHECKED)  # the database is already named as the failure
            continue
        try:
            results[name] = (True, check())
        except CheckFailed as refusal:
            logger.warning("Readiness: %s failed: %s", name, refusal)
            results[name] = (False, f"failed: {refusal}")
        except Exception as error:
            logger.warning("Readiness: %s failed: %r", name, error)
            results[name] = (False, "failed")
    return results


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        results = run_checks()
        failed = [name for name, (passed, _) in results.items() if not passed]
        body = {
            "status": "failed" if failed else "ok",
            "failed": failed,
            "checks": {name: found for name, (_, found) in results.items()},
        }
    except Exception:  # a bug above must not turn the probe into a 500 with a page
        logger.exception("Readiness: the checks themselves failed")
        failed, body = ["readiness"], {"status": "failed", "failed": ["readiness"], "checks": {}}
    response = JsonResponse(body, status=503 if failed else 200, json_dumps_params={"indent": 1})
    add_never_cache_headers(response)  # no-store: a probe must see the present, never a copy
    return response
