"""Who may do what, and where: the portal's roles and an officer's area.

Roles are Django groups (created by a migration). A Dinas official or admin works across the
regency; a Petugas Kecamatan only in the kecamatan assigned through OfficerArea. The answers are
cached on the user object, so a request asks the database at most once for each.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from core import prepared
from core.prepared import Param

ADMIN_DINAS = "Admin Dinas"
PETUGAS_DINAS = "Petugas Dinas"
PETUGAS_KECAMATAN = "Petugas Kecamatan"
ROLE_GROUPS = (ADMIN_DINAS, PETUGAS_DINAS, PETUGAS_KECAMATAN)


@dataclass(frozen=True)
class Scope:
    """What a signed-in user may work on: everything (Dinas) or a set of kecamatan codes."""

    is_official: bool
    is_dinas: bool
    is_admin: bool
    district_codes: frozenset[str]

    def covers_district(self, code: str) -> bool:
        return self.is_dinas or code in self.district_codes


NO_SCOPE = Scope(is_official=False, is_dinas=False, is_admin=False, district_codes=frozenset())


def scope_of(user: AbstractBaseUser | AnonymousUser) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_ovop_scope", None)
    if cached is not None:
        return cached
    # The user's groups and areas by queries built and compiled once for every user (core.prepared).
    user_id = Param("user", prepared.INTEGER)
    groups = set(
        prepared.rows(
            ("villages.role_groups",),
            lambda: user.groups.model.objects.filter(user=user_id).values_list("name", flat=True),
            user=user.pk,
        )
    )
    is_admin = user.is_superuser or ADMIN_DINAS in groups
    is_dinas = is_admin or PETUGAS_DINAS in groups
    codes: frozenset[str] = frozenset()
    if not is_dinas and PETUGAS_KECAMATAN in groups:
        codes = frozenset(
            prepared.rows(
                ("villages.officer_areas",),
                lambda: user.officer_areas.model.objects.filter(user=user_id).values_list(
                    "district_id", flat=True
                ),
                user=user.pk,
            )
        )
    scope = Scope(
        is_official=is_dinas or bool(codes), is_dinas=is_dinas, is_admin=is_admin, district_codes=codes
    )
    user._ovop_scope = scope
    return scope
