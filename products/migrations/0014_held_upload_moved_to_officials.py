"""HeldUpload now belongs to the officials' app (officials 0001 takes the same table). Nothing changes
in the database here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0013_verification_code_unique"),
        ("officials", "0001_held_upload_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HeldUpload")],
            database_operations=[],
        ),
    ]
