"""The columns a deployment selects its area by carry a finer histogram on PostgreSQL (core/planner.py):
a regency's villages are then estimated near their number, and the planner looks each village up
instead of hashing the whole country's designations."""

import pytest
from django.db import connection

from core.planner import AREA_STATISTICS_TARGET

pytestmark = pytest.mark.django_db

COLUMNS = [("villages_village", "code")]
# Columns with lists of common values keep the default: planning their joins cost more than running them.
DEFAULT = [("products_product", "village_id"), ("products_designation", "village_id")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps no such statistics")
def test_the_area_columns_have_the_finer_statistics_target():
    with connection.cursor() as cursor:
        for table, column in COLUMNS:
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
                [table, column],
            )
            assert cursor.fetchone()[0] == AREA_STATISTICS_TARGET, (table, column)
        for table, column in DEFAULT:
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
                [table, column],
            )
            assert cursor.fetchone()[0] in (-1, None), (table, column)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_each_connection_prices_index_reads_for_ssds():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1
