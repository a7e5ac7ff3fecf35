"""The regency's identity as pages read it: `current_profile()`, from the cache, at most one query when
the cache misses, and never an error when the cache is down (the cache backend reads a failure as a
miss). Without a saved profile, a default one built from the served regency's name.

The entry is dropped on every write to the profile's table (the admin, a script, a queryset update)
and to the regions' (the default's name): ovop_portal.signals hears them at the database connection
and calls `invalidate_profile`, at once and again when the transaction commits, as core.caching does
for the page versions. Other writes leave it alone, so a page costs the same whatever was written
before it. A drop that Redis did not confirm is retried before every read, and until it is confirmed
this process neither reads nor stores the entry; the entry also expires after
OVOP_PUBLIC_CACHE_SECONDS, which bounds what another process could serve from a Redis that comes
back with its saved data.

The one query is on the served regency, with the profile's row fetched alongside as one JSON value:
every page already asked for that regency (its name is in every title), so the header and footer add
no query to any page, cold cache or warm. Fetching the profile by itself would have added one query
to every public page whenever the cache misses."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import JSONField, Subquery
from django.db.models.functions import JSONObject

from core import prepared
from core.errors import CacheUnavailable
from villages.models import Regency, service_area_region

from .models import RegencyProfile

_FIELDS = list(RegencyProfile._meta.concrete_fields)
# A profile pickled by a release with other fields must not be read back (its missing attributes would
# be fetched one query each): the key names the fields.
_SHAPE = hashlib.sha256("|".join(field.attname for field in _FIELDS).encode()).hexdigest()[:8]


# Set while a drop of the entry is unconfirmed (Redis down): the entry may be stale.
_unconfirmed = False


def _key() -> str:
    return f"regency-profile:{_SHAPE}:{settings.OVOP_REGENCY_CODE}"


def _drop() -> bool:
    """Delete the entry; False (and the entry distrusted) when Redis did not confirm it."""
    global _unconfirmed
    # The strict operation raises rather than pretend (ovop_portal.cache_backends); the local-memory
    # cache of development and tests cannot fail and has only the plain one.
    delete = getattr(cache, "strict_delete", None) or cache.delete
    try:
        delete(_key())
    except CacheUnavailable:
        _unconfirmed = True
        return False
    _unconfirmed = False
    return True


def _commit_drop() -> None:
    _drop()


def invalidate_profile(using: str | None = None) -> None:
    """Forget the cached profile: at once, for the writing transaction itself, and at commit, so that a
    reader who cached the old row meanwhile is not believed either."""
    _drop()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(
        func is _commit_drop for _sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_commit_drop, using=using, robust=True)


def _cache_key() -> str | None:
    """The entry's key, or None when the entry cannot be trusted (nothing read or stored then)."""
    if _unconfirmed and not _drop():
        return None
    return _key()


def _profile_as_json() -> Subquery:
    row = RegencyProfile.objects.values(data=JSONObject(**{f.attname: f.attname for f in _FIELDS}))[:1]
    return Subquery(row, output_field=JSONField())


def _from_json(data: dict) -> RegencyProfile:
    names = [field.attname for field in _FIELDS]
    values = [field.to_python(data.get(field.attname)) for field in _FIELDS]
    return RegencyProfile.from_db(DEFAULT_DB_ALIAS, names, values)


def default_profile(regency: Regency | None) -> RegencyProfile:
    """The identity before the Dinas has written one: the served regency's name, nothing else."""
    return RegencyProfile(
        regency_name=regency.name if regency else settings.OVOP_REGENCY_CODE, agency_name=""
    )


def _load() -> tuple[Regency | None, RegencyProfile]:
    """The served regency and the profile, in one query (two only before the regions are loaded)."""
    found = prepared.rows(
        ("regency.identity",),  # the served regency: OVOP_REGENCY_CODE, in every key
        lambda: (
            Regency.objects.filter(code=settings.OVOP_REGENCY_CODE)
            .annotate(profile_data=_profile_as_json())
            .order_by("code")[:1]
        ),
    )
    regency = found[0] if found else None
    if regency is not None:
        data = regency.__dict__.pop("profile_data")
        profile = _from_json(data) if data else default_profile(regency)
    else:
        profile = RegencyProfile.objects.first() or default_profile(None)
    return regency, profile


def _cached() -> tuple[str | None, RegencyProfile | None]:
    key = _cache_key()
    return key, (cache.get(key) if key else None)


def _store(key: str | None, profile: RegencyProfile) -> None:
    if key:
        cache.set(key, profile, settings.OVOP_PUBLIC_CACHE_SECONDS)


def current_profile() -> RegencyProfile:
    key, profile = _cached()
    if profile is None:
        _regency, profile = _load()
        _store(key, profile)
    return profile


class RequestIdentity:
    """For one request: the served area (the pages' `service_area`) and the profile, sharing the one
    query. Each is read only when a template first asks for it (pages that show neither ask nothing)."""

    _UNREAD = object()

    def __init__(self) -> None:
        self._area = self._UNREAD
        self._profile: RegencyProfile | None = None

    def _area_is_the_regency(self) -> bool:
        return settings.OVOP_AREA_CODE == settings.OVOP_REGENCY_CODE

    def _read_profile(self) -> None:
        key, self._profile = _cached()
        if self._profile is None:
            regency, self._profile = _load()
            _store(key, self._profile)
            if self._area is self._UNREAD and self._area_is_the_regency():
                self._area = regency

    def area(self):
        if self._area is self._UNREAD:
            if self._area_is_the_regency() and self._profile is None:
                self._read_profile()  # a miss reads the area with it
            if self._area is self._UNREAD:
                self._area = service_area_region()
        return self._area

    def profile(self) -> RegencyProfile:
        if self._profile is None:
            self._read_profile()
        return self._profile
