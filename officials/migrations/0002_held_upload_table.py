"""The moved table takes its new app's name, after products has let go of the model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("officials", "0001_held_upload_moved"),
        ("products", "0014_held_upload_moved_to_officials"),
    ]

    operations = [migrations.AlterModelTable(name="heldupload", table=None)]
