"""Which tables seed_scale touches, and how it writes, empties and finishes them."""

from collections.abc import Iterable

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, reset_queries

from assistance.models import Programme
from products.models import Producer, Product

BATCH = 2000


def data_models(*, with_history: bool = False) -> list[type[models.Model]]:
    """The models holding product and programme data: producers, products, programmes and every model
    that points to them (documents, photos, designations, assessments, deliveries, visits, outcomes)."""
    found = {Producer, Product, Programme}
    candidates = apps.get_models(include_auto_created=True)
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in found or hasattr(model, "instance_type"):
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields):
                found.add(model)
                grew = True
    if with_history:
        found |= {model for model in candidates if getattr(model, "instance_type", None) in found}
    return sorted(found, key=lambda model: model._meta.label)


def existing_data() -> dict[str, int]:
    """Rows already in the data tables, by model label (only the non-empty ones)."""
    counts = {model._meta.label: model._base_manager.count() for model in data_models()}
    return {label: count for label, count in counts.items() if count}


def data_reset() -> int:
    """Empty every data table and its history (TRUNCATE on PostgreSQL); returns the rows removed."""
    tables = [model._meta.db_table for model in data_models(with_history=True)]
    removed = sum(existing_data().values())
    if connection.vendor == "postgresql":
        # TRUNCATE is refused while deferred constraint checks are pending (rows written earlier in the
        # same transaction, as in a test): run them now.
        connection.check_constraints()
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
    return removed


def sequences_reset() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), data_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyse() -> dict[str, int]:
    """VACUUM ANALYZE the data tables (PostgreSQL, outside a transaction): fresh planner statistics
    and the visibility map set, so a benchmark does not begin by writing hint bits on every page."""
    tables = [model._meta.db_table for model in data_models()]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return {"tables": len(tables)}


class Writer:
    """Collects unsaved rows of one model and writes them in batches (with `auto=False` only when
    told, so that rows of several models go out parents first)."""

    def __init__(self, model: type[models.Model], *, auto: bool = True):
        self.model, self.auto, self.pending, self.written = model, auto, [], 0

    def add(self, obj: models.Model) -> None:
        self.pending.append(obj)
        if self.auto and len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.model._base_manager.bulk_create(self.pending, batch_size=BATCH)
            self.written += len(self.pending)
            self.pending = []
            # With DEBUG on, Django keeps the text of the last 9,000 queries: here ~1 MB each.
            reset_queries()


class GivenTimestamps:
    """While inside, auto_now/auto_now_add fields keep the value set on the instance (bulk_create
    otherwise stamps the clock), so the generated rows carry dates derived from their own data."""

    def __init__(self, models_: Iterable[type[models.Model]]):
        self.fields = [
            f
            for model in models_
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]

    def __enter__(self):
        self.saved = [(f, f.auto_now, f.auto_now_add) for f in self.fields]
        for f in self.fields:
            f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc):
        for f, auto_now, auto_now_add in self.saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
