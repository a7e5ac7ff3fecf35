"""PasswordResetRequest moves from ovop_portal (wiring only) to accounts. The table is kept: this
migration only tells Django's state that accounts now owns it (under its old name); 0002 renames it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("ovop_portal", "0001_password_reset_request")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PasswordResetRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("client_key", models.CharField(max_length=64)),
                        ("email_key", models.CharField(max_length=64)),
                        ("created_at", models.DateTimeField(db_index=True)),
                    ],
                    options={
                        "db_table": "ovop_portal_passwordresetrequest",
                        "indexes": [
                            models.Index(fields=["client_key", "created_at"], name="reset_request_client_idx"),
                            models.Index(fields=["email_key", "created_at"], name="reset_request_email_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
