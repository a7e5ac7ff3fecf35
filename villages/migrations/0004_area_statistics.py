from django.db import migrations

from core.planner import area_statistics


class Migration(migrations.Migration):
    dependencies = [("villages", "0003_officer_area")]

    # The village code every deployment selects its area by (core/planner.py says why).
    operations = [area_statistics("villages", [("Village", "code")])]
