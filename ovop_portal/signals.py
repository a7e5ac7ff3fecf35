"""Cache invalidation (the one use of signals the conventions accept): any write to what the public
pages or the officials' figures show makes them stale.

The write is heard at the database connection, not through post_save: every INSERT, UPDATE or DELETE
on one of these tables counts, whichever path wrote it. queryset.update(), bulk_create and
bulk_update (the region loader, search-text refreshes, cover changes, imports, backups) send no model
signals, and each was a way for a page to stay stale for OVOP_PUBLIC_CACHE_SECONDS. The version is
bumped at once and again when the transaction commits (core.caching).
"""

import re

from django.apps import apps
from django.db import connections
from django.db.backends.signals import connection_created

from core.caching import invalidate_figures, invalidate_public_pages
from regency.selectors import invalidate_profile

# Officers' areas are officials' business only (and change what a dashboard counts).
PRIVATE_MODELS = {"villages.OfficerArea"}
DATA_APPS = ("villages", "products", "assistance")
# Apps whose tables only the public pages show (the regency's identity: header, footer, about and
# privacy pages); the officials' figures ignore them.
PUBLIC_ONLY_APPS = ("regency",)
# The tables the cached regency profile is read from (regency.selectors): the profile, and the regions
# (the name of a regency without a profile).
PROFILE_MODELS = ("regency.RegencyProfile", "villages.Regency")
# Counted ahead from the data apps (officials.summary): the public coverage of a province or of the
# country reads them, so their refresh makes the public pages stale; the officials' figures are what
# they are counted from, so it must not make those stale (the rows would be counted again forever).
PUBLIC_SUMMARY_MODELS = ("officials.VillageSummary",)

# The table a data-changing statement writes to (Django quotes it, hand-written SQL may not).
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[`"\[]?(\w+)', re.IGNORECASE
)


def _tables(*, public: bool) -> frozenset[str]:
    """The tables of the data apps' models and their many-to-many tables; history tables excluded
    (they record the past, which no page shows)."""
    tables = set()
    for app in DATA_APPS + (PUBLIC_ONLY_APPS if public else ()):
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            label = model._meta.label
            if model.__name__.startswith("Historical"):
                continue
            if public and label in PRIVATE_MODELS:
                continue
            tables.add(model._meta.db_table)
    if public:
        tables.update(apps.get_model(label)._meta.db_table for label in PUBLIC_SUMMARY_MODELS)
    return frozenset(tables)


class _WriteListener:
    def __init__(self) -> None:
        self.public_tables = _tables(public=True)
        self.figures_tables = _tables(public=False)
        self.profile_tables = frozenset(apps.get_model(label)._meta.db_table for label in PROFILE_MODELS)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        head = sql[:24].lstrip()[:8].upper() if isinstance(sql, str) else ""
        if not head.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE")):
            return result  # a read, a savepoint, a lock: nearly every statement ends here
        if head.startswith("TRUNCATE"):
            table = None  # a flush: everything changed
        else:
            match = _WRITE.match(sql)
            if not match:
                return result
            table = match.group(1).lower()
        alias = context["connection"].alias
        if table is None or table in self.public_tables:
            invalidate_public_pages(using=alias)
        if table is None or table in self.figures_tables:
            invalidate_figures(using=alias)
        if table is None or table in self.profile_tables:
            invalidate_profile(using=alias)
        return result


_listener: _WriteListener | None = None


def _install(connection, **kwargs) -> None:
    if _listener is not None and _listener not in connection.execute_wrappers:
        # First in the list, i.e. closest to the database: a wrapper added later for a while
        # (connection.execute_wrapper) runs around it and takes itself off without touching it.
        connection.execute_wrappers.insert(0, _listener)


def connect() -> None:
    global _listener
    _listener = _WriteListener()
    connection_created.connect(_install, dispatch_uid="cache-invalidation-listener")
    for connection in connections.all(initialized_only=True):
        _install(connection)
