"""The figures of a province or of the whole country, read from rows counted ahead (issue 19).

Counting the situation, the completeness and the follow-ups of 83,762 villages takes seconds, too long
for a page rendered afresh. So a deployment that serves a province or the whole country keeps one
summary row per village (officials.models.VillageSummary, what officials.selectors and
assistance.situations would count live for it), and its Dinas dashboard, its landing page and the
public coverage of its home page sum those rows by area: one grouped query over the rows instead of
the EXISTS subqueries of every rule, whatever the number of villages.

The rows are counted again, all in one pass of grouped queries (`refresh`, a few seconds nationally,
on the worker), whenever they are stale: when a write has changed what they count (the figures
version of core.caching, bumped by every write to the data apps), when the day has turned (expiry,
due dates and a flagship's needs-help signals follow the day), or when the area served changed. The
task `refresh_summary` is scheduled every minute (OVOP_SCHEDULE), and the first page that finds the
rows stale enqueues it at once (once per version). Meanwhile a page reads the rows it has, and says
when they were counted and that newer figures are on their way; with no rows yet, or rows of
another day or area, the page counts them itself first.

A regency, and a kecamatan officer anywhere, keep counting live (`uses_summary` is False): at that
size the rules' own queries take tens of milliseconds and are exact the moment a write commits.
"""

import datetime
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.db.models.functions import Left, Lower, Trim
from django.tasks import task
from django.utils import timezone

from assistance.models import Situation
from assistance.selectors import flagships_without_recent_visit
from assistance.situations import full_situation_expression
from catalogue import showcase
from core.caching import figures_version
from products.models import (
    ONLINE_SHOP_PLATFORMS,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    ShopLink,
    VillageStatus,
)
from products.models.legality import expired_q, expiring_q
from products.selectors import PUBLIC_SITUATIONS, public_situation, with_ovop_status
from villages.models import District, Province, Regency, Village, summary_level
from villages.roles import Scope

from .models import SummaryState, VillageSummary

logger = logging.getLogger(__name__)

# Everything the deployment's Dinas sees: the villages the rows are counted for.
AREA_SCOPE = Scope(is_official=True, is_dinas=True, is_admin=False, district_codes=frozenset())
# The area of the level a row's village belongs to: the start of its kecamatan's code (36.04.01).
LEVEL_CODE_LENGTH = {"province": 2, "regency": 5, "district": None}
LEVEL_MODELS = {"province": Province, "regency": Regency, "district": District}
COUNTED = (
    "awaiting",
    "flagships",
    "with_foto",
    "with_cerita",
    "with_produsen",
    "with_legalitas",
    "with_penilaian",
    "online",
    "expired",
    "expiring",
    "assessments_due",
    "mentoring_overdue",
)
STATE_ID = 1
PUBLIC_NONE = PUBLIC_SITUATIONS[-1]  # a village the public pages show nothing of


def uses_summary(scope: Scope) -> bool:
    """Whether the scope's figures are read from the rows: a Dinas of a province or of the country,
    whose scope is the whole area served, so the readers below sum every row."""
    return summary_level(scope) != "district"


# --- counting ------------------------------------------------------------------------------------------


def _per_village(queryset: models.QuerySet, village: str, **aggregates) -> dict[str, dict]:
    rows = queryset.order_by().values(village).annotate(**aggregates)
    return {row[village]: row for row in rows}


def count_villages(on: datetime.date) -> dict[str, dict]:
    """Every row's values, by village code, from the rules' own expressions: eight grouped queries."""
    villages = Village.objects.for_scope(AREA_SCOPE)
    products = Product.objects.for_scope(AREA_SCOPE)
    rows = {
        code: {
            "district_id": district,
            "kind": kind,
            "latitude": latitude,
            "longitude": longitude,
            "ovop_status": status,
            "situation": situation,
            "public_situation": public,
            "first_year": None,
            **dict.fromkeys(COUNTED, 0),
        }
        for code, district, kind, latitude, longitude, status, situation, public in with_ovop_status(villages)
        .annotate(situation=full_situation_expression(on, villages=villages), public=public_situation())
        .order_by()
        .values_list(
            "code", "district_id", "kind", "latitude", "longitude", "ovop_status", "situation", "public"
        )
    }

    def add(values: dict[str, dict], **fields: str) -> None:
        for code, row in values.items():
            if code in rows:
                for field, key in fields.items():
                    rows[code][field] += row[key] or 0

    designations = Designation.objects.for_scope(AREA_SCOPE)
    for code, row in _per_village(
        designations.filter(status__in=[Designation.Status.APPROVED, Designation.Status.ENDED]),
        "village",
        first=Min("year"),
    ).items():
        if code in rows:
            rows[code]["first_year"] = row["first"]
    add(_per_village(designations.proposed(), "village", n=Count("pk")), awaiting="n")

    from .selectors import COMPLETENESS_CHECKS, flagships_with_completeness

    online = ShopLink.objects.filter(platform__in=ONLINE_SHOP_PLATFORMS)
    flagships = flagships_with_completeness(AREA_SCOPE, on).annotate(
        sells_online=Exists(online.filter(product=OuterRef("pk")))
        | Exists(online.filter(product__isnull=True, producer__products=OuterRef("pk")))
    )
    checks = {f"with_{key}": Count("pk", filter=Q(**{f"has_{key}": True})) for key in COMPLETENESS_CHECKS}
    add(
        _per_village(
            flagships,
            "village",
            flagships=Count("pk"),
            online=Count("pk", filter=Q(sells_online=True)),
            **checks,
        ),
        flagships="flagships",
        online="online",
        **{key: key for key in checks},
    )
    documents = {"expired": Count("pk", filter=expired_q(on)), "expiring": Count("pk", filter=expiring_q(on))}
    add(
        _per_village(LegalityDocument.objects.filter(product__in=products), "product__village", **documents),
        expired="expired",
        expiring="expiring",
    )
    add(
        _per_village(
            LegalityDocument.objects.filter(producer__in=Producer.objects.for_scope(AREA_SCOPE)),
            "producer__village",
            **documents,
        ),
        expired="expired",
        expiring="expiring",
    )
    add(_per_village(products.due_for_assessment(on=on), "village", n=Count("pk")), assessments_due="n")
    add(
        _per_village(
            flagships_without_recent_visit(products, settings.OVOP_MENTORING_DAYS, on=on),
            "village",
            n=Count("pk"),
        ),
        mentoring_overdue="n",
    )
    return rows


def _help_this_year(on: datetime.date) -> dict:
    """The help the villages of each situation received this year (officials.selectors.help_received),
    from the rows just written: the Dinas dashboard's table of help per situation."""
    from .selectors import delivered_in, help_received

    return {"year": on.year, **help_received(received_help(delivered_in(AREA_SCOPE, on.year)))}


def _market_areas(on: datetime.date) -> int:
    """Distinct cities and regions the flagships are sold in (not a sum of villages: counted whole)."""
    from .selectors import flagships_with_completeness

    return flagships_with_completeness(AREA_SCOPE, on).aggregate(
        n=Count(Lower(Trim("market_areas__name")), distinct=True)
    )["n"]


FIELDS = (
    "district_id",
    "kind",
    "latitude",
    "longitude",
    "ovop_status",
    "situation",
    "public_situation",
    "first_year",
    *COUNTED,
)


def _state_row() -> None:
    """The state's one row, made once (before any count: the count locks it)."""
    SummaryState.objects.get_or_create(
        pk=STATE_ID,
        defaults={"area_code": "", "computed_on": datetime.date.min, "computed_at": timezone.now()},
    )


def refresh(on: datetime.date | None = None, *, when_stale: bool = False) -> SummaryState:
    """Count every row again and write those that changed, with the state, in one transaction: a page
    reads either the old rows and state or the new ones. Counts are made one at a time: each takes
    the state's row lock first (PostgreSQL; SQLite runs one write transaction at a time anyway), so
    that two first views, or a view and the scheduled task, never write the same rows at once; with
    `when_stale`, a count that finds the rows counted meanwhile by another stops there. The figures
    version is read before counting, so that a write made during the count leaves the rows stale, to
    be counted again."""
    on = on or timezone.localdate()
    _state_row()
    with transaction.atomic():
        state = SummaryState.objects.select_for_update().get(pk=STATE_ID)
        if when_stale and not _stale(state, on):
            return state
        version = figures_version()
        started = time.perf_counter()
        counted = count_villages(on)
        stored = VillageSummary.objects.values_list("village_id", *FIELDS)
        known = {row[0]: row[1:] for row in stored.iterator(5000)}
        fresh, changed = [], []
        for code, values in counted.items():
            row = VillageSummary(village_id=code, **values)
            old = known.pop(code, None)
            if old is None:
                fresh.append(row)
            elif old != tuple(values[field] for field in FIELDS):
                changed.append(row)
        if known:  # villages no longer in the area served (or gone)
            VillageSummary.objects.filter(village_id__in=list(known)).delete()
        VillageSummary.objects.bulk_create(fresh, batch_size=2000)
        VillageSummary.objects.bulk_update(changed, FIELDS, batch_size=2000)
        state.area_code = settings.OVOP_AREA_CODE
        state.version = version
        state.computed_on = on
        state.market_areas = _market_areas(on)
        chosen = showcase.chosen_ids()
        state.featured, state.newest = chosen["featured"], chosen["newest"]
        state.figures = {
            **area_figures(summary_level(AREA_SCOPE)),
            "categories": [list(pair) for pair in showcase.category_counts().items()],
            "help": _help_this_year(on),
        }
        state.computed_at = timezone.now()
        state.seconds = time.perf_counter() - started
        state.save()
    logger.info(
        "Village summaries counted in %.1f s: %s new, %s changed, %s removed",
        state.seconds,
        len(fresh),
        len(changed),
        len(known),
    )
    return state


@task
def refresh_summary() -> dict:
    """Count the village summaries again when they are stale (scheduled every minute in OVOP_SCHEDULE,
    and enqueued by a page that finds them stale). Nothing to do for a regency deployment."""
    if summary_level(AREA_SCOPE) == "district":
        return {"refreshed": False}
    state = SummaryState.objects.filter(pk=STATE_ID).first()
    if not _stale(state, timezone.localdate()):
        return {"refreshed": False}
    state = refresh(when_stale=True)
    return {"refreshed": True, "seconds": round(state.seconds, 1)}


# --- reading -------------------------------------------------------------------------------------------


def _stale(state: SummaryState | None, today: datetime.date) -> bool:
    return (
        state is None
        or state.area_code != settings.OVOP_AREA_CODE
        or state.computed_on != today
        or state.version is None
        or state.version != figures_version()
    )


def current_state() -> SummaryState:
    """The rows' state; the rows counted first when there are none yet, or they are of another area.
    When a write or the day has made them stale, their refresh is enqueued (once per figures version
    and day) and the state says `stale`: the page shows the rows it has, and when they were counted,
    rather than make its visitor wait seconds (two first views wait for one count, not two)."""
    today = timezone.localdate()
    state = SummaryState.objects.filter(pk=STATE_ID).first()
    if state is None or state.area_code != settings.OVOP_AREA_CODE:
        state = refresh(today, when_stale=True)
    state.stale = _stale(state, today)
    if state.stale:
        version = figures_version()
        if version is not None and cache.add(f"summary-refresh:{version}:{today}", True, 300):
            try:
                refresh_summary.enqueue()
            except Exception:  # the queue's database is busy: the scheduled run will count them
                logger.exception("The village summary refresh could not be enqueued")
            else:  # with the immediate backend (development) the rows were counted just now
                state = SummaryState.objects.get(pk=STATE_ID)
                state.stale = _stale(state, today)
    return state


def figures_variant(scope: Scope) -> tuple[str, SummaryState | None]:
    """What an area's cached figures (core.caching.cached_figures) are kept apart by: the area, and for
    a province or the country the summary rows they are read from (cached until those are counted
    again); and those rows' state, or None."""
    variant = "dinas" if scope.is_dinas else ",".join(sorted(scope.district_codes))
    if not uses_summary(scope):
        return variant, None
    state = current_state()
    return f"{variant}|{state.computed_at.isoformat()}|{state.stale}", state


def _grouped(level: str) -> list[dict]:
    """The rows summed per area of the level: villages per OVOP status and per situation, and the
    COUNTED sums (one grouped query)."""
    length = LEVEL_CODE_LENGTH[level]
    area = Left("district_id", length) if length else F("district_id")
    return list(
        VillageSummary.objects.annotate(area=area)
        .order_by()
        .values("area")
        .annotate(
            **{f"status_{s}": Count("pk", filter=Q(ovop_status=s)) for s in VillageStatus.values},
            **{f"situation_{s}": Count("pk", filter=Q(situation=s)) for s in Situation.values},
            **{key: Sum(key) for key in COUNTED},
        )
    )


def _public_grouped(level: str) -> list[dict]:
    """The public coverage's rows per area (public_area_counts), coordinates as floats."""
    length = LEVEL_CODE_LENGTH[level]
    rows = (
        VillageSummary.objects.annotate(area=Left("district_id", length) if length else F("district_id"))
        .order_by()
        .values("area", "public_situation", "kind")
        .annotate(
            n=Count("pk"),
            lat=models.Avg("latitude"),
            lng=models.Avg("longitude"),
            located=Count("latitude"),
        )
    )
    return [{**row, "lat": _float(row["lat"]), "lng": _float(row["lng"])} for row in rows]


def _float(value) -> float | None:
    return None if value is None else float(value)


def _first_years() -> list[list[int]]:
    rows = VillageSummary.objects.filter(first_year__isnull=False)
    return [
        list(pair) for pair in rows.values_list("first_year").annotate(n=Count("pk")).order_by("first_year")
    ]


def area_figures(level: str) -> dict:
    """What the pages sum from the rows, for areas of `level`, counted once with the rows (kept on the
    state, `SummaryState.figures`): the grouped sums (area_sums), the public coverage's rows
    (public_area_counts) and the first designation years (first_years)."""
    return {
        "level": level,
        "grouped": _grouped(level),
        "public": _public_grouped(level),
        "first_years": _first_years(),
    }


def _kept(state: SummaryState, level: str) -> dict | None:
    """The figures kept on the state for `level`, or None (another level, or none kept yet)."""
    figures = state.figures
    return figures if figures and figures.get("level") == level else None


def area_sums(level: str, state: SummaryState) -> dict:
    """The rows summed per area of the level and overall: villages per OVOP status (status_counts'
    shape: `total` and `districts`), per situation (`situations`, and `situation_counts` in
    AreaSituations.counts' shape), the COUNTED sums (`sums`), and per area the COUNTED sums and the
    villages needing help (`areas`). From the figures kept on `state` for the deployment's level; one
    grouped query for another level."""
    kept = _kept(state, level)
    grouped = kept["grouped"] if kept else _grouped(level)
    names = dict(LEVEL_MODELS[level].objects.values_list("code", "name"))
    statuses, total = [], dict.fromkeys((*VillageStatus.values, "all"), 0)
    per_situation, situations = [], dict.fromkeys((*Situation.values, "all"), 0)
    areas = []  # every area's sums and villages needing help
    sums = dict.fromkeys(COUNTED, 0)
    for row in grouped:
        name = names.get(row["area"], row["area"])
        entry = {"code": row["area"], "name": name}
        for status in VillageStatus.values:
            entry[status] = row[f"status_{status}"]
            total[status] += entry[status]
        entry["all"] = sum(entry[s] for s in VillageStatus.values)
        total["all"] += entry["all"]
        statuses.append(entry)
        entry = {"code": row["area"], "name": name, "all": 0}
        for situation in Situation.values:
            entry[situation] = row[f"situation_{situation}"]
            entry["all"] += entry[situation]
            situations[situation] += entry[situation]
            situations["all"] += entry[situation]
        per_situation.append(entry)
        areas.append(
            {
                "code": row["area"],
                "name": name,
                "needs_help": row[f"situation_{Situation.NEEDS_HELP}"],
                **{key: row[key] or 0 for key in COUNTED},
            }
        )
        for key in COUNTED:
            sums[key] += row[key] or 0
    return {
        "total": total,
        "districts": sorted(statuses, key=lambda entry: entry["name"]),
        "situations": situations,
        # assistance.situations.AreaSituations.counts' shape
        "situation_counts": {
            "total": situations,
            "districts": sorted(per_situation, key=lambda entry: entry["name"]),
        },
        "sums": sums,
        "areas": sorted(areas, key=lambda entry: entry["name"]),
    }


def first_years(state: SummaryState) -> list[int]:
    """The year of each village's first designation (designation_trend's input), from the counts per
    year kept on `state` (counted from the rows when none are kept yet)."""
    per_year = state.figures.get("first_years")
    per_year = _first_years() if per_year is None else per_year
    return [year for year, n in per_year for _ in range(n)]


def to_propose(limit: int) -> list[Village]:
    """The first villages with products and no proposal, in the order of their codes (province,
    regency, kecamatan): through the rows' index, not a sort of every such village by name."""
    rows = VillageSummary.objects.all()
    return [
        row.village
        for row in rows.filter(ovop_status=VillageStatus.HAS_PRODUCTS)
        .select_related("village__district")
        .order_by("village_id")[:limit]
    ]


def first_public_places(limit: int) -> list[str]:
    """The codes of the first `limit` villages the public map lists (a flagship, a proposal or
    products: a public situation other than none), in the order of their codes."""
    rows = VillageSummary.objects.exclude(public_situation=PUBLIC_NONE).order_by("village_id")
    return list(rows.values_list("village_id", flat=True)[:limit])


def received_help(deliveries: models.QuerySet) -> models.QuerySet:
    """(village, its situation in the rows, programme kind) of each delivery, distinct."""
    return (
        deliveries.filter(village__summary__isnull=False)
        .order_by()
        .values_list("village_id", "village__summary__situation", "programme__kind")
        .distinct()
    )


def public_area_counts(level: str, state: SummaryState) -> list[dict]:
    """The public coverage of catalogue.coverage grouped by area: villages per public situation and
    kind, with the mean of the located villages' coordinates (kept on `state`; one grouped query for
    another level)."""
    kept = _kept(state, level)
    return kept["public"] if kept else _public_grouped(level)
