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

A value that changes from one call to the next (the product or village a public page shows) need not
be in the key: the query names it `Param("name", field)`, which compiles to a placeholder, and the
call gives it (`rows(key, build, name=value)`); one compiled query then serves every product. The
field converts the value as the ORM would (`get_db_prep_value`).

Hand-written on purpose: Django has no prepared-query cache, and cachalot-style libraries keep results,
which is what the figures cache (core.caching.cached_figures) already does with its own invalidation.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    CharField,
    Count,
    Expression,
    Field,
    IntegerField,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.sql.constants import SINGLE
from django.utils import timezone, translation

# Compiled queries kept per connection; the oldest is dropped past this (a national deployment has a
# scope per official, and a day in each key). An entry holds a built queryset and its compiler: 10 to
# 130 KB (a situation count's SQL with its 90 parameters is the largest), so 256 cost at most ~30 MB.
LIMIT = 256


class PreparedQueryMismatch(AssertionError):
    """A key reused for a query whose SQL or parameters changed: the key misses one of its inputs."""


class _Slot:
    """Where a Param's value goes among a compiled query's parameters."""

    __slots__ = ("field", "name")

    def __init__(self, name: str, field: Field):
        self.name = name
        self.field = field

    def __eq__(self, other) -> bool:
        return isinstance(other, _Slot) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


# The fields Params are usually given as: a text (a code, a slug) and a whole number (an id).
TEXT = CharField()
INTEGER = IntegerField()


class Param(Expression):
    """A value given when the prepared query runs (`rows(key, build, name=value)`), compiled as one
    placeholder; `output_field` converts it for the database."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        return "%s", (_Slot(self.name, self.output_field),)

    def get_group_by_cols(self) -> list:
        return []


def _bind(params: tuple, values: dict, connection) -> tuple:
    """The parameters with each Param's slot replaced by its value, converted by its field (a value
    not given: KeyError naming the Param)."""
    return tuple(
        param.field.get_db_prep_value(values[param.name], connection, prepared=False)
        if isinstance(param, _Slot)
        else param
        for param in params
    )


def _full_key(key: tuple) -> tuple:
    return (
        *key,
        settings.OVOP_AREA_CODE,
        settings.OVOP_REGENCY_CODE,
        timezone.get_current_timezone_name(),
        translation.get_language(),  # a query may choose a column by language (names in English)
    )


def _usable(connection) -> bool:
    """Whether the connection may keep compiled queries: one thread's only. A connection shared
    between threads (the test server's) would let one thread's run bind or capture another's."""
    return not connection.allow_thread_sharing


def in_list(name: str, count: int, field: Field) -> list[Param]:
    """`count` Params for an IN list (`name0`, `name1`, ...): with in_values, a list of any values of
    that length in one compiled query."""
    return [Param(f"{name}{n}", field) for n in range(count)]


def in_values(name: str, values) -> dict:
    """The values of in_list's Params."""
    return {f"{name}{n}": value for n, value in enumerate(values)}


def _store(connection) -> OrderedDict:
    store = getattr(connection, "_ovop_prepared", None)
    if store is None:
        store = connection._ovop_prepared = OrderedDict()
    return store


def _keep(store: OrderedDict, key: tuple, entry) -> None:
    store[key] = entry
    while len(store) > LIMIT:
        store.popitem(last=False)


def _checking() -> bool:
    return settings.OVOP_PREPARED_CHECK


def _check(key: tuple, kept: tuple, fresh: tuple) -> None:
    if kept != fresh:
        raise PreparedQueryMismatch(
            f"The prepared query {key[0]!r} was reused with other SQL or parameters: its key {key!r} "
            "misses an input of the query."
        )


def _compile(compiler) -> tuple[str, tuple]:
    """The compiler's SQL and parameters; ("", ()) where Django knows the answer is empty without
    asking the database (EmptyResultSet: an empty IN list)."""
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return "", ()
    for param in params:
        # A relation's IN list prepares each value as its target field's (CharField: str(value)),
        # expressions included: a Param there would run as its own text.
        if isinstance(param, str) and f"{Param.__module__}.Param object" in param:
            raise ImproperlyConfigured(
                "A Param was turned into text by a lookup on a relation (`village__in=[Param(...)]`): "
                "filter on the related field itself (`village__code__in=`)."
            )
    return sql, tuple(params)


# --- rows -------------------------------------------------------------------------------------------


def _shape(queryset: QuerySet, compiler) -> tuple:
    """What a kept queryset answers: its SQL and parameters, and how its rows are made (instances,
    dicts or tuples of which fields, what is prefetched)."""
    return (
        *_compile(compiler),
        queryset._iterable_class,
        queryset._fields,
        tuple(getattr(lookup, "prefetch_to", lookup) for lookup in queryset._prefetch_related_lookups),
    )


class _Rows:
    """A built queryset whose query hands out one compiler, which answers the kept SQL."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.compiled = _shape(queryset, compiler)
        self.compiler = compiler
        queryset.query.get_compiler = lambda *args, **kwargs: compiler

    def run(self, values: dict) -> list:
        sql, params = self.compiled[:2]
        if not sql:  # as Django answers an empty IN list: no rows, no query
            return []
        bound = (sql, _bind(params, values, self.compiler.connection))
        self.compiler.as_sql = lambda *args, **kwargs: bound
        queryset = self.queryset
        try:
            results = list(queryset._iterable_class(queryset))
        finally:
            del self.compiler.as_sql  # the values are not kept past the run
        if queryset._prefetch_related_lookups and results:
            prefetch_related_objects(results, *queryset._prefetch_related_lookups)
        return results


def rows(key: tuple[Hashable, ...], build: Callable[[], QuerySet], **values) -> list:
    """The results of the queryset `build()` returns (model instances, dicts or tuples as it says), as
    a list; built and compiled on the first call with this key on this connection, run again after.
    `values`: the values of the query's Params."""
    full = _full_key(key)
    connection = connections[DEFAULT_DB_ALIAS]
    store = _store(connection)
    entry = store.get(full) if _usable(connection) else None
    if entry is not None:
        store.move_to_end(full)
        if _checking():
            fresh = build()
            _check(full, entry.compiled, _shape(fresh, fresh.query.get_compiler(using=fresh.db)))
        return entry.run(values)
    queryset = build()
    entry = _Rows(queryset)
    if queryset.db == DEFAULT_DB_ALIAS and _usable(connection):  # (another database's: not kept)
        _keep(store, full, entry)
    return entry.run(values)


# --- aggregates ----------------------------------------------------------------------------------------


class _Stop(Exception):  # noqa: N818 (not an error: ends the aggregate once its SQL is compiled)
    pass


@contextmanager
def _compiling(connection, wanted: set, compiled: list):
    """While the block runs, the aggregate's outer compiler (made in this thread, selecting exactly
    the aggregates `wanted`) notes its SQL instead of running it (_Stop ends the block); every other
    compiler (a subquery's, a lookup Django makes meanwhile) runs as usual."""
    ops = connection.ops
    own = vars(ops).get("compiler")  # an instance-level replacement already there, kept
    original = ops.compiler
    thread = threading.get_ident()

    def compiler(name: str):
        cls = original(name)

        def make(*args, **kwargs):
            made = cls(*args, **kwargs)
            if (
                not compiled
                and threading.get_ident() == thread
                and set(made.query.annotation_select) == wanted
            ):
                made.execute_sql = lambda *a, **k: _stop(made, compiled)
            return made

        return make

    ops.compiler = compiler
    try:
        yield
    except _Stop:
        pass
    finally:
        if own is None:
            del ops.compiler
        else:
            ops.compiler = own


def _stop(compiler, compiled: list):
    compiled.append((compiler, _compile(compiler)))
    raise _Stop


class _Aggregate:
    """The compiler of an aggregate's outer query, with the SQL it compiled."""

    def __init__(self, compiler, compiled: tuple):
        del compiler.execute_sql  # its own again (_compiling replaced it)
        self.compiler = compiler
        self.compiled = compiled

    def run(self, values: dict) -> dict:
        # As Query.get_aggregation reads its one row.
        compiler = self.compiler
        columns = compiler.query.annotation_select
        sql, params = self.compiled
        result = None
        if sql:
            bound = (sql, _bind(params, values, compiler.connection))
            compiler.as_sql = lambda *args, **kwargs: bound
            result = compiler.execute_sql(SINGLE)
        if result is None:
            result = [expression.empty_result_set_value for expression in columns.values()]
        else:
            converters = compiler.get_converters(columns.values())
            result = next(compiler.apply_converters((result,), converters))
        return dict(zip(columns, result, strict=True))


def _compiled_aggregate(queryset: QuerySet, aggregates: dict) -> _Aggregate | None:
    """The aggregate's outer compiler and SQL, compiled as QuerySet.aggregate would, not run (the
    queryset is built before: only the aggregate's own compilers are made here)."""
    compiled: list = []
    with _compiling(connections[DEFAULT_DB_ALIAS], set(aggregates), compiled):
        queryset.aggregate(**aggregates)
    if not compiled:  # answered without a query of its own: nothing to keep
        return None
    compiler, sql_params = compiled[0]
    return _Aggregate(compiler, sql_params)


def aggregate(
    key: tuple[Hashable, ...], build: Callable[[], QuerySet], *, values: dict | None = None, **aggregates
) -> dict:
    """`build().aggregate(**aggregates)`, built and compiled once per key and connection. `values`: the
    values of the query's Params."""
    full = _full_key(key)
    connection = connections[DEFAULT_DB_ALIAS]
    usable = _usable(connection)  # a thread-shared connection compiles (its Params bound) but keeps nothing
    store = _store(connection)
    entry = store.get(full) if usable else None
    if entry is not None:
        store.move_to_end(full)
        if _checking():
            fresh = _compiled_aggregate(build(), aggregates)
            _check(full, entry.compiled, fresh.compiled if fresh else ("", ()))
        return entry.run(values or {})
    entry = _compiled_aggregate(build(), aggregates)
    if entry is None:  # Django answered without a query of its own: nothing to keep or bind
        return build().aggregate(**aggregates)
    if usable:
        _keep(store, full, entry)
    return entry.run(values or {})


def count(key: tuple[Hashable, ...], build: Callable[[], QuerySet], **values) -> int:
    """`build().count()`, built and compiled once per key and connection."""
    return aggregate(key, build, values=values, __count=Count("*"))["__count"]
