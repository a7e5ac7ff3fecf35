"""PostgreSQL plans a regency's rows as what they are (villages/migrations/0004_area_statistics.py and
the connection options in ovop_portal/settings.py): the village code carries a finer histogram, the
columns with lists of common values keep the default, and index reads are priced for SSDs."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL planner settings"),
]


def statistics_target(table: str, column: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [table, column],
        )
        return cursor.fetchone()[0]


def test_the_village_code_has_the_finer_histogram_and_the_joined_columns_the_default():
    assert statistics_target("villages_village", "code") == 1000
    # Lists of 1,000 common values made planning each join cost more than running it.
    for table in ("products_product", "products_designation"):
        assert statistics_target(table, "village_id") in (-1, None), table


def test_each_connection_prices_index_reads_for_ssds():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1
