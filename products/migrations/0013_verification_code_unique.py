import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0012_fill_verification_codes_and_assessor_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="designation",
            name="verification_code",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="kode verifikasi"
            ),
        ),
    ]
