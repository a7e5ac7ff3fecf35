# Written by hand (issue 14): only the producer's NIB and WhatsApp validators, which now come from
# products.validators (WhatsApp through phonenumbers). No column changes.

from django.db import migrations, models

import products.validators


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0009_legality_scan_private_storage"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalproducer",
            name="nib",
            field=models.CharField(
                blank=True,
                help_text="Nomor Induk Berusaha dari OSS, 13 angka.",
                max_length=13,
                validators=[products.validators.validate_nib],
                verbose_name="NIB",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproducer",
            name="whatsapp",
            field=models.CharField(
                blank=True,
                help_text="Nomor ponsel Indonesia; disimpan sebagai +62…",
                max_length=16,
                validators=[products.validators.validate_whatsapp],
                verbose_name="nomor WhatsApp",
            ),
        ),
        migrations.AlterField(
            model_name="producer",
            name="nib",
            field=models.CharField(
                blank=True,
                help_text="Nomor Induk Berusaha dari OSS, 13 angka.",
                max_length=13,
                validators=[products.validators.validate_nib],
                verbose_name="NIB",
            ),
        ),
        migrations.AlterField(
            model_name="producer",
            name="whatsapp",
            field=models.CharField(
                blank=True,
                help_text="Nomor ponsel Indonesia; disimpan sebagai +62…",
                max_length=16,
                validators=[products.validators.validate_whatsapp],
                verbose_name="nomor WhatsApp",
            ),
        ),
    ]
