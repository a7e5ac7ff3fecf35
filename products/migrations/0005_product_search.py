from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

# PostgreSQL only: a full-text index on the exact expression products.search.search() uses, and a
# trigram index for near spellings. SQLite has neither and searches by substring.
INDEXES = [
    GinIndex(SearchVector("search_text", config="simple"), name="product_search_fulltext"),
    GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="product_search_trigram"),
]


def fill_search_text(apps, schema_editor):
    from products.search import search_document

    Product = apps.get_model("products", "Product")
    rows = Product.objects.select_related("village__district", "category").prefetch_related("producers")
    for product in rows:
        product.search_text = search_document(product)
        product.save(update_fields=["search_text"])


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.add_index(apps.get_model("products", "Product"), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.remove_index(apps.get_model("products", "Product"), index)


class Migration(migrations.Migration):
    dependencies = [("products", "0004_seed_rubric")]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="product",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="teks pencarian"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_indexes, remove_indexes),
    ]
