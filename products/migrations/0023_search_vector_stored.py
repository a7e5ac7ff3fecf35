from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# PostgreSQL only, as the search indexes of 0005 and 0018: the search text's full-text vector stored
# beside it (a generated column, written by PostgreSQL with every write of search_text) and indexed in
# place of 0005's index on the same expression. products.search.search() matches and ranks on it: the
# expression index found the rows, but each row it rechecked or ranked had its long text turned into a
# vector again (issue 19: 60 of 100 ms for the country's 900 matches of a misspelt "grabah"). SQLite
# searches by substring and has neither.
EXPRESSION_INDEX = GinIndex(SearchVector("search_text", config="simple"), name="product_search_fulltext")
ADD = [
    "ALTER TABLE products_product ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) STORED",
    "CREATE INDEX product_search_vector ON products_product USING gin (search_vector)",
]


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in ADD:
            schema_editor.execute(statement)
        schema_editor.remove_index(apps.get_model("products", "Product"), EXPRESSION_INDEX)


def remove_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("products", "Product"), EXPRESSION_INDEX)
        schema_editor.execute("ALTER TABLE products_product DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("products", "0022_flagship_listing")]

    operations = [migrations.RunPython(add_column, remove_column)]
