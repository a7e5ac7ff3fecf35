"""HeldUpload moves from products to the officials' app whose import pages use it. The table is kept:
this migration only tells Django's state that officials now owns it (under its old name); 0002
renames it once products has let go of the model."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("products", "0007_held_upload"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HeldUpload",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("token", models.CharField(max_length=32, unique=True)),
                        ("kind", models.CharField(max_length=20)),
                        ("name", models.CharField(max_length=200)),
                        ("data", models.BinaryField()),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["created_at", "pk"], "db_table": "products_heldupload"},
                ),
            ],
            database_operations=[],
        ),
    ]
