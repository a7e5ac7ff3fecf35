from django.db import migrations

from core.planner import area_statistics


class Migration(migrations.Migration):
    dependencies = [("products", "0021_period_indexes")]

    # The village codes products, producers and designations are selected by area (core/planner.py).
    operations = [
        area_statistics(
            "products",
            [("Product", "village_id"), ("Producer", "village_id"), ("Designation", "village_id")],
        )
    ]
