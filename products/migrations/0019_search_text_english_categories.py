"""The search text of every product now holds its category's English name (products.search): so that
"pottery" or "crafts" finds what was registered before the English names existed."""

from django.db import migrations


def refill_search_text(apps, schema_editor):
    from products.search import search_document

    Product = apps.get_model("products", "Product")
    rows = Product.objects.select_related("village__district", "category").prefetch_related("producers")
    changed = []
    for product in rows.iterator(chunk_size=1000):
        text = search_document(product)
        if text != product.search_text:
            product.search_text = text
            changed.append(product)
        if len(changed) >= 1000:
            Product.objects.bulk_update(changed, ["search_text"])
            changed = []
    Product.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("products", "0018_product_name_trigram")]

    operations = [migrations.RunPython(refill_search_text, migrations.RunPython.noop)]
