"""Planner statistics for the columns an area is selected by (issue 19).

A deployment selects its rows by the start of a village code (villages.models.service_area: `code LIKE
'36.04.%'`). PostgreSQL estimates such a range from the column's histogram: with the default 100
buckets, a bucket of the country's 83,762 village codes holds about 840 villages, more than a regency
has, so a regency's estimate swung between a few hundred and 850 villages from one ANALYZE to the next.
Above about 800 the planner hashed every designation of the country once instead of looking up each
village's own (240 ms instead of 4 ms for a regency's villages per status). 1,000 buckets give
estimates within a bucket of ~84 rows, and ANALYZE then reads the whole table (300 rows a bucket are
sampled), so the estimate no longer changes between runs.

Only on the village code, which is unique (a histogram, no list of most common values). The same target
on the village_id columns of products, producers, designations and deliveries gave them lists of 1,000
common values, which the planner compares pairwise to estimate each join: 5-15 ms of planning for
every query of the home page, more than the queries took to run.
"""

from django.db import migrations

AREA_STATISTICS_TARGET = 1000


def area_statistics(app_label: str, columns: list[tuple[str, str]]) -> migrations.RunPython:
    """A migration operation setting AREA_STATISTICS_TARGET on each (model name, column) of the app, and
    analysing those tables, on PostgreSQL (SQLite plans without such statistics); undone back to the
    default target."""

    def tables(apps) -> list[tuple[str, str]]:
        return [(apps.get_model(app_label, model)._meta.db_table, column) for model, column in columns]

    def apply(target: int | None):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor != "postgresql":
                return
            quote = schema_editor.quote_name
            for table, column in tables(apps):
                value = -1 if target is None else target
                schema_editor.execute(
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET STATISTICS {int(value)}"
                )
            if target is not None:
                for table in sorted({table for table, _column in tables(apps)}):
                    schema_editor.execute(f"ANALYZE {quote(table)}")

        return run

    return migrations.RunPython(apply(AREA_STATISTICS_TARGET), apply(None))
