from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

# PostgreSQL only, as the search indexes of 0005: a trigram index on the product's name, which
# products.search.search() looks in for near spellings (the long search text made the trigram index
# return most of the country for the recheck to reject). SQLite searches by substring.
INDEX = GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="product_name_trigram")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("products", "Product"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("products", "Product"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("products", "0017_product_markets_removed")]

    operations = [migrations.RunPython(add_index, remove_index)]
