"""The regions a run covers: the codes asked for, their villages as planned, one officer per regency."""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q

from core.errors import Refused
from villages.models import Village
from villages.services import RegionFileError, validate_scope_code

from .plan import TZ, PlannedVillage
from .tables import BATCH

OFFICER_PREFIX = "skala-"
OFFICER_PASSWORD = "!seed_scale"  # noqa: S105 -- starts with "!": Django's mark of an unusable password


def regions_normalise(regions: Iterable[str] | None) -> tuple[str, ...]:
    """Province or regency codes, checked, without the ones another already covers."""
    try:
        codes = sorted({validate_scope_code(code) for code in regions or ()})
    except RegionFileError as error:
        raise Refused(str(error)) from error
    return tuple(c for c in codes if not any(c != o and c.startswith(o + ".") for o in codes))


def villages_plan(regions: tuple[str, ...]) -> list[PlannedVillage]:
    queryset = Village.objects.all()
    if regions:
        condition = Q()
        for code in regions:
            condition |= Q(code__startswith=code + ".")
        queryset = queryset.filter(condition)
    rows = queryset.order_by("code").values_list(
        "code",
        "name",
        "kind",
        "district_id",
        "district__name",
        "district__regency_id",
        "district__regency__province_id",
        "latitude",
        "longitude",
    )
    return [PlannedVillage(*row) for row in rows.iterator(chunk_size=5000)]


def officers_ensure(regencies: Iterable[str]) -> tuple[dict[str, int], int]:
    """One inactive officer account per regency, `skala-<code>`, kept between runs (stable ids)."""
    User = get_user_model()
    wanted = {f"{OFFICER_PREFIX}{code}": code for code in regencies}
    existing = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    missing = [name for name in sorted(wanted) if name not in existing]
    User.objects.bulk_create(
        [
            User(
                username=name,
                first_name="Petugas data skala",
                email=f"{name}@example.invalid",
                password=OFFICER_PASSWORD,
                is_active=False,
                date_joined=datetime.datetime(2016, 1, 1, tzinfo=TZ),
            )
            for name in missing
        ],
        batch_size=BATCH,
    )
    existing = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    return {code: existing[name] for name, code in wanted.items()}, len(missing)
