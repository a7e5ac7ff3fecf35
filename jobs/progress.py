"""Reading a spreadsheet's rows with progress, and a guard for work that must write nothing."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import tablib
from django.db import connection

WRITES = ("insert", "update", "delete", "replace")


class CountedDataset(tablib.Dataset):
    """A dataset that calls `on_row(n)` as its rows are walked: django-import-export walks the rows
    once, in order, so this is how far an import has got without touching the resources."""

    def __init__(self, dataset: tablib.Dataset, on_row: Callable[[int], None]):
        super().__init__(*dataset, headers=dataset.headers)
        self.on_row = on_row

    def __iter__(self) -> Iterator[tuple]:
        for number in range(len(self)):
            yield self[number]
            self.on_row(number + 1)


def counted(rows: Iterable, progress: Callable[[int, int], None], total: int) -> Iterator:
    """The rows, calling progress(done, total) after each."""
    for number, row in enumerate(rows, start=1):
        yield row
        progress(number, total)


@contextmanager
def writes_refused(*, except_table: str):
    """Any write but to `except_table` raises: a dry run made outside a transaction (so that its
    progress is seen at once) then cannot leave anything behind, even through a hook that forgot it
    was a dry run."""

    def guard(execute, sql, params, many, context):
        statement = sql.lstrip().lower()
        if statement.startswith(WRITES) and f'"{except_table}"' not in statement.split("set")[0]:
            raise RuntimeError(f"A dry run tried to write: {sql[:80]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield
