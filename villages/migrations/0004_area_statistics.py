"""A finer histogram of the village code on PostgreSQL (issue 19).

A deployment selects its rows by the start of a village code (villages.models.service_area: `code LIKE
'36.04.%'`). PostgreSQL estimates such a range from the column's histogram: with the default 100
buckets, a bucket of the country's 83,762 village codes holds about 840 villages, more than a regency
has, so a regency's estimate swung between a few hundred and 850 villages from one ANALYZE to the next.
Above about 800 the planner hashed every designation of the country once instead of looking up each
village's own (240 ms instead of 4 ms for a regency's villages per status). 1,000 buckets give
estimates within ~84 rows, and ANALYZE then reads the whole table, so the estimate no longer changes.

Only on the village code, which is unique (a histogram, no list of most common values). The same target
on the village_id columns of products, producers, designations and deliveries gave them lists of 1,000
common values, which the planner compares pairwise to estimate each join: 5-15 ms of planning for every
query of the home page, more than the queries took to run. SQLite keeps no such statistics.
"""

from django.db import migrations

STATISTICS_TARGET = 1000


def set_target(target: int):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE villages_village ALTER COLUMN code SET STATISTICS {target}")
        if target > 0:
            schema_editor.execute("ANALYZE villages_village")

    return run


class Migration(migrations.Migration):
    dependencies = [("villages", "0003_officer_area")]

    operations = [migrations.RunPython(set_target(STATISTICS_TARGET), set_target(-1))]
