"""The free-text `Product.markets` removed: 0016 copied it into MarketArea rows, which hold it now.
Undone, the column comes back filled from the market areas (their names, comma-separated)."""

from django.db import migrations


def markets_from_areas(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    MarketArea = apps.get_model("products", "MarketArea")
    names: dict[int, list[str]] = {}
    for product_id, name in MarketArea.objects.order_by("product_id", "level", "name", "pk").values_list(
        "product_id", "name"
    ):
        names.setdefault(product_id, []).append(name)
    for product_id, listed in names.items():
        Product.objects.filter(pk=product_id).update(markets=", ".join(listed)[:255])


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0016_market_variants_synonyms"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, markets_from_areas),
        migrations.RemoveField(
            model_name="historicalproduct",
            name="markets",
        ),
        migrations.RemoveField(
            model_name="product",
            name="markets",
        ),
    ]
