from django.db import migrations

from core.planner import area_statistics


class Migration(migrations.Migration):
    dependencies = [("assistance", "0011_period_indexes")]

    # The village code deliveries are selected by area (core/planner.py).
    operations = [area_statistics("assistance", [("Delivery", "village_id")])]
