"""Demo data for `make demo`: accounts now, more as the registry grows. Safe to run again."""

import os

from django.contrib.auth import get_user_model
from django.db import transaction

DEFAULT_DEMO_PASSWORD = "ovop-demo-2026"  # noqa: S105 -- demo accounts only, printed by make run


def demo_password() -> str:
    return os.environ.get("OVOP_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@transaction.atomic
def demo_accounts_create(*, password: str) -> list[str]:
    """Create (or reset the password of) the demo accounts; return their usernames."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@example.invalid", "first_name": "Admin"}
    )
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.set_password(password)
    admin.save()
    return [admin.username]
