"""The demo accounts: an admin, a Dinas official, and a kecamatan officer in each loaded regency."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from villages.models import OfficerArea, Village
from villages.roles import PETUGAS_DINAS, PETUGAS_KECAMATAN

DEFAULT_DEMO_PASSWORD = "ovop-demo-2026"  # noqa: S105 -- demo accounts only, printed by make run
# (username, kecamatan code, name): one officer per regency the demo knows, when its regions are loaded.
OFFICERS = [
    ("petugas-ciruas", "36.04.09", "Petugas Kecamatan Ciruas"),
    ("petugas-kelapa", "19.05.04", "Petugas Kecamatan Kelapa"),
]


def demo_password() -> str:
    return os.environ.get("OVOP_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _account(username: str, password: str, *, first_name: str, staff: bool = False, superuser: bool = False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.invalid", "first_name": first_name}
    )
    user.is_active = True
    user.is_staff = staff or superuser
    user.is_superuser = superuser
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def demo_accounts_create(*, password: str) -> list[tuple[str, str]]:
    """Create (or reset the password of) the demo accounts; return (username, role) pairs."""
    accounts = [("admin", "superuser, Django admin")]
    _account("admin", password, first_name="Admin", superuser=True)
    dinas = _account("dinas", password, first_name="Petugas Dinas")
    dinas.groups.add(Group.objects.get(name=PETUGAS_DINAS))
    accounts.append(("dinas", "Petugas Dinas (seluruh kabupaten)"))
    for username, district, name in OFFICERS:
        if not Village.objects.in_service_area().filter(district_id=district).exists():
            continue
        officer = _account(username, password, first_name=name)
        officer.groups.add(Group.objects.get(name=PETUGAS_KECAMATAN))
        OfficerArea.objects.get_or_create(user=officer, district_id=district)
        accounts.append((username, name))
    return accounts


def officer_for(code: str):
    """The demo officer whose kecamatan holds this village (or kecamatan) code; the Dinas official
    elsewhere, as in a regency where not every kecamatan has its officer on the portal."""
    User = get_user_model()
    for username, district, _name in OFFICERS:
        if code.startswith(district):
            officer = User.objects.filter(username=username).first()
            if officer:
                return officer
    return User.objects.get(username="dinas")
