"""Demo data for `make demo`, in both regencies the source articles describe. Safe to run again: every
step looks its records up before creating them. Only the area the deployment serves (OVOP_AREA_CODE)
gets data: `make demo` shows Kabupaten Serang, `make demo REGENCY=19.05 OVOP_REGENCY_CODE=19.05`
Kabupaten Bangka Barat.

The real cases come from the source articles (see ../shared/DOMAIN.md): the gerabah of Desa Bumijaya
(Ciruas) and, when Kabupaten Bangka Barat is loaded, the rattan weaving of Desa Dendang and the pempek
udang of Desa Belo Laut, designated in 2016. Everything invented to show every situation of the
programme (producers, prices, documents, the other products, decree numbers, visits, figures) is
marked `is_demo` or says "contoh".
"""

import datetime

from .accounts import DEFAULT_DEMO_PASSWORD, demo_accounts_create, demo_password
from .assistance import demo_assistance_create
from .designations import demo_designations_create
from .identity import demo_identity_create
from .market import demo_market_create
from .programme_work import demo_programme_work_create
from .registry import demo_photo, demo_registry_create

__all__ = [
    "DEFAULT_DEMO_PASSWORD",
    "demo_accounts_create",
    "demo_all_create",
    "demo_password",
    "demo_photo",
]


def demo_all_create(*, password: str, today: datetime.date) -> dict:
    """Every step in order; returns the accounts and what each step created."""
    accounts = demo_accounts_create(password=password)
    return {
        "accounts": accounts,
        "identity": demo_identity_create(),
        "products": demo_registry_create(today=today),
        "market": demo_market_create(),
        "designations": demo_designations_create(today=today),
        "programmes": demo_assistance_create(today=today),
        "explorations": demo_programme_work_create(today=today),
    }
