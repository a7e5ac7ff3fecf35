"""The moved table takes its new app's name, after ovop_portal has let go of the model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_password_reset_request_moved"),
        ("ovop_portal", "0002_password_reset_request_moved_to_accounts"),
    ]

    operations = [migrations.AlterModelTable(name="passwordresetrequest", table=None)]
