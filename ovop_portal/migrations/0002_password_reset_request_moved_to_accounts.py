"""PasswordResetRequest now belongs to accounts (accounts 0001 takes the same table); the project
package keeps no model. Nothing changes in the database here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ovop_portal", "0001_password_reset_request"),
        ("accounts", "0001_password_reset_request_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PasswordResetRequest")],
            database_operations=[],
        ),
    ]
