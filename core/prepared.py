"""Queries built and compiled once per process, then run again with fresh results (issue 19).

Building a queryset (filters, subqueries, annotations) and compiling it to SQL is Python work that
costs more than the database's own work on a regency's pages: 40-60 ms of a dashboard's 120 ms went
there, every render, for SQL that is the same text with the same parameters each time the same
official opens it on the same day. `rows`, `aggregate` and `count` keep, per database connection (so
per thread) and per `key`, the compiler of the first run with its SQL and parameters, and run that SQL
again on later calls: the database answers afresh every time (nothing of the results is kept), only
the ORM's construction is skipped.

The key is the caller's promise: it names everything the query's SQL and parameters depend on (the
official's scope, the day, the settings read). Each key also carries the settings every scoped query
reads (the area served, the regency) and the time zone. A key that forgets an input would run another
request's query, so with OVOP_PREPARED_CHECK (on in the test suite) every reuse builds and compiles
the query again and fails loudly when its SQL or parameters differ from those kept.

Hand-written on purpose: Django has no prepared-query cache, and cachalot-style libraries keep results,
which is what the figures cache (core.caching.cached_figures) already does with its own invalidation.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, QuerySet, prefetch_related_objects
from django.db.models.sql.constants import SINGLE
from django.utils import timezone

# Compiled queries kept per connection; the oldest is dropped past this (a national deployment has a
# scope per official, and a day in each key).
LIMIT = 512


class PreparedQueryMismatch(AssertionError):
    """A key reused for a query whose SQL or parameters changed: the key misses one of its inputs."""


def _full_key(key: tuple) -> tuple:
    return (*key, settings.OVOP_AREA_CODE, settings.OVOP_REGENCY_CODE, timezone.get_current_timezone_name())


def _store(connection) -> OrderedDict:
    store = getattr(connection, "_ovop_prepared", None)
    if store is None:
        store = connection._ovop_prepared = OrderedDict()
    return store


def _keep(store: OrderedDict, key: tuple, entry) -> None:
    store[key] = entry
    while len(store) > LIMIT:
        store.popitem(last=False)


def _freeze(compiler, sql: str, params: tuple):
    """The compiler answers `sql, params` from now on instead of compiling its query again."""
    compiled = (sql, tuple(params))
    compiler.as_sql = lambda *args, **kwargs: compiled
    return compiler


def _check(key: tuple, kept: tuple, fresh: tuple) -> None:
    if kept != (fresh[0], tuple(fresh[1])):
        raise PreparedQueryMismatch(
            f"The prepared query {key[0]!r} was reused with other SQL or parameters: its key {key!r} "
            "misses an input of the query."
        )


# --- rows -------------------------------------------------------------------------------------------


class _Rows:
    """A built queryset whose query hands out one frozen compiler."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()  # EmptyResultSet: not kept (the caller runs it plainly)
        self.compiled = (sql, tuple(params))
        _freeze(compiler, *self.compiled)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler

    def run(self) -> list:
        queryset = self.queryset
        results = list(queryset._iterable_class(queryset))
        if queryset._prefetch_related_lookups and results:
            prefetch_related_objects(results, *queryset._prefetch_related_lookups)
        return results


def rows(key: tuple[Hashable, ...], build: Callable[[], QuerySet]) -> list:
    """The results of the queryset `build()` returns (model instances, dicts or tuples as it says), as
    a list; built and compiled on the first call with this key on this connection, run again after."""
    full = _full_key(key)
    store = _store(connections[DEFAULT_DB_ALIAS])
    entry = store.get(full)
    if entry is not None:
        store.move_to_end(full)
        if _checking():
            fresh = build()
            try:
                compiled = fresh.query.get_compiler(using=fresh.db).as_sql()
            except EmptyResultSet:
                compiled = ("", ())
            _check(full, entry.compiled, compiled)
        return entry.run()
    queryset = build()
    if queryset.db != DEFAULT_DB_ALIAS:
        return list(queryset)
    try:
        entry = _Rows(queryset)
    except EmptyResultSet:
        return list(build())
    _keep(store, full, entry)
    return entry.run()


def _checking() -> bool:
    return settings.OVOP_PREPARED_CHECK


# --- aggregates ----------------------------------------------------------------------------------------


class _Stop(Exception):  # noqa: N818 (not an error: ends a check before the statement runs)
    pass


def _stop(compiler, executed: list):
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        sql, params = "", ()
    executed.append((sql, tuple(params)))
    raise _Stop


@contextmanager
def _recording(connection, made: list, executed: list, *, run: bool = True):
    """Note every compiler the connection makes and every statement it runs, for the block's length;
    with `run` False, the first compiler to run notes its SQL instead (_Stop ends the block)."""
    original = connection.ops.compiler

    def compiler(name: str):
        cls = original(name)

        def make(*args, **kwargs):
            made.append(cls(*args, **kwargs))
            if not run:  # its SQL noted instead of run: not even the debug cursor logs a statement
                made[-1].execute_sql = lambda *a, compiler=made[-1], **k: _stop(compiler, executed)
            return made[-1]

        return make

    def note(execute, sql, params, many, context):
        executed.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    connection.ops.compiler = compiler
    try:
        with connection.execute_wrapper(note):
            yield
    except _Stop:
        pass
    finally:
        del connection.ops.compiler


class _Aggregate:
    """The compiler of an aggregate's outer query, frozen with the one statement it ran."""

    def __init__(self, compiler, compiled: tuple):
        self.compiler = _freeze(compiler, *compiled)
        self.compiled = compiled

    def run(self) -> dict:
        # As Query.get_aggregation reads its one row.
        compiler = self.compiler
        columns = compiler.query.annotation_select
        result = compiler.execute_sql(SINGLE)
        if result is None:
            result = [expression.empty_result_set_value for expression in columns.values()]
        else:
            converters = compiler.get_converters(columns.values())
            result = next(compiler.apply_converters((result,), converters))
        return dict(zip(columns, result, strict=True))


def _run_recorded(
    queryset: QuerySet, aggregates: dict, *, run: bool = True
) -> tuple[dict | None, list, list]:
    """The aggregate's result, with the compilers made and the statements run while computing it
    (the queryset is built before: only the aggregate's own compiler is noted). With `run` False,
    only its SQL: no result, and nothing sent to the database."""
    made: list = []
    executed: list = []
    result = None
    with _recording(connections[DEFAULT_DB_ALIAS], made, executed, run=run):
        result = queryset.aggregate(**aggregates)
    return result, made, executed


def aggregate(key: tuple[Hashable, ...], build: Callable[[], QuerySet], **aggregates) -> dict:
    """`build().aggregate(**aggregates)`, built and compiled once per key and connection."""
    full = _full_key(key)
    store = _store(connections[DEFAULT_DB_ALIAS])
    entry = store.get(full)
    if entry is not None:
        store.move_to_end(full)
        if _checking():
            _result, _made, executed = _run_recorded(build(), aggregates, run=False)
            _check(full, entry.compiled, executed[0] if executed else ("", ()))
        return entry.run()
    queryset = build()
    if queryset.db != DEFAULT_DB_ALIAS:
        return queryset.aggregate(**aggregates)
    result, made, executed = _run_recorded(queryset, aggregates)
    # Kept when the one statement ran from the first compiler made (the outer query's); an aggregate
    # Django answered without the database (an empty IN list) is simply computed again next time.
    if len(executed) == 1 and made:
        _keep(store, full, _Aggregate(made[0], executed[0]))
    return result


def count(key: tuple[Hashable, ...], build: Callable[[], QuerySet]) -> int:
    """`build().count()`, built and compiled once per key and connection."""
    return aggregate(key, build, __count=Count("*"))["__count"]
