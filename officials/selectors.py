"""The officials' figures: dashboard sections, the data-completeness checks and the annual recap.

An officer sees their kecamatan, the Dinas the whole regency (villages.roles.scope_of). Each section
is one or two grouped queries, so the page costs the same number of queries whatever the number of
villages; every figure links to the list it counts.
"""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest, Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.models import Delivery, MentoringVisit, Programme, Situation, SituationHelp
from assistance.selectors import flagships_without_recent_visit, follow_ups_due
from assistance.situations import AreaSituations, full_situation_expression, needy_rule
from core import prepared
from products.models import (
    ASSESSMENT_VALID_MONTHS,
    ONLINE_SHOP_PLATFORMS,
    Assessment,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    ProductPhoto,
    ShopLink,
    VillageStatus,
    add_months,
)
from products.models.legality import expired_q, expiring_q
from products.selectors import legality_expiry_counts, status_counts, with_ovop_status
from villages.models import Village, sees_every_row, summary_level
from villages.roles import Scope

from . import summary
from .models import SummaryState

# The five things a flagship product's public page needs, in the order the drill-down shows them.
COMPLETENESS_CHECKS = {
    "foto": _("Foto sampul"),
    "cerita": _("Cerita produk"),
    "produsen": _("Produsen tercatat"),
    "legalitas": _("Legalitas berlaku"),
    "penilaian": _("Penilaian berlaku"),
}


def _link(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


# What the rows of the coverage table are: kecamatan in a regency, regencies in a province, provinces
# in the whole country. (column heading, caption)
COVERAGE_LEVELS = {
    "district": (_("Kecamatan"), _("Cakupan per kecamatan")),
    "regency": (_("Kabupaten/kota"), _("Cakupan per kabupaten/kota")),
    "province": (_("Provinsi"), _("Cakupan per provinsi")),
}


def coverage(scope: Scope, sums: dict | None = None) -> dict:
    """Villages with an approved flagship out of all villages, overall and per area one level below
    the scope's (kecamatan for a regency or an officer), in one query; `sums`: the summary rows'
    (officials.summary.area_sums), for a province or the country."""
    level = summary_level(scope)
    counts = sums or status_counts(
        lambda: with_ovop_status(Village.objects.for_scope(scope)), level=level, key=(scope,)
    )
    by_district = level == "district"  # the village list filters by kecamatan
    rows = [
        {
            **row,
            "percent": _percent(row[VillageStatus.DESIGNATED], row["all"]),
            "url": by_district
            and _link("officials:village_list", district=row["code"], status=VillageStatus.DESIGNATED),
            "missing_url": by_district
            and _link("officials:village_list", district=row["code"], status=VillageStatus.NONE),
        }
        for row in counts["districts"]
    ]
    total = counts["total"]
    heading, caption = COVERAGE_LEVELS[level]
    return {
        "total": total,
        "percent": _percent(total[VillageStatus.DESIGNATED], total["all"]),
        "areas": rows,
        "heading": heading,
        "caption": caption,
    }


def designation_trend(scope: Scope, state: SummaryState | None = None) -> list[dict]:
    """Villages newly given a flagship each year (the year of their first designation), cumulative too;
    from the summary rows' figures kept on `state` when given (a province or the country).

    Designations that were approved and later ended still count for the year they were made.
    """
    firsts = (
        summary.first_years(state)
        if state is not None
        else prepared.rows(
            ("officials.designation_trend", scope),
            lambda: (
                Designation.objects.for_scope(scope)
                .filter(status__in=[Designation.Status.APPROVED, Designation.Status.ENDED])
                .values("village")
                .annotate(first_year=Min("year"))
                .values_list("first_year", flat=True)
            ),
        )
    )
    per_year: dict[int, int] = defaultdict(int)
    for year in firsts:
        per_year[year] += 1
    rows, running = [], 0
    for year in sorted(per_year):
        running += per_year[year]
        rows.append({"year": year, "new": per_year[year], "cumulative": running})
    # Geometry of the server-drawn column chart (an SVG 100 units high, one 40-unit slot per year).
    for index, row in enumerate(rows):
        row["height"] = round(90 * row["cumulative"] / running)  # whole units: no decimal comma in SVG
        row["x"] = index * 40 + 8
        row["y"] = 95 - row["height"]
    return rows


def pipeline(scope: Scope, statuses: dict, sums: dict | None = None) -> dict:
    """What to act on: proposals to decide, villages with products but no flagship, villages with none
    (`sums`: the summary rows', for a province or the country)."""
    if sums is not None:
        to_propose, awaiting = summary.to_propose(15), sums["awaiting"]
    else:
        to_propose = prepared.rows(
            ("officials.to_propose", scope),
            lambda: (
                with_ovop_status(Village.objects.for_scope(scope))
                .filter(ovop_status=VillageStatus.HAS_PRODUCTS)
                .select_related("district")
                .order_by("district__name", "name")[:15]
            ),
        )
        awaiting = prepared.count(
            ("officials.awaiting", scope), lambda: Designation.objects.for_scope(scope).proposed()
        )
    return {
        "awaiting": awaiting,
        "awaiting_url": reverse("products:designation_list"),
        "has_products": statuses[VillageStatus.HAS_PRODUCTS],
        "has_products_url": _link("officials:village_list", status=VillageStatus.HAS_PRODUCTS),
        "proposed": statuses[VillageStatus.PROPOSED],
        "proposed_url": _link("officials:village_list", status=VillageStatus.PROPOSED),
        "none": statuses[VillageStatus.NONE],
        "none_url": _link("officials:village_list", status=VillageStatus.NONE),
        "to_propose": to_propose,
    }


def flagships_with_completeness(scope: Scope, on: datetime.date | None = None) -> QuerySet:
    """The scope's flagship products, each annotated with the five completeness checks."""
    on = on or timezone.localdate()
    products = Product.objects.for_scope(scope).filter(
        Exists(Designation.objects.approved().filter(product=OuterRef("pk")))
    )
    valid_documents = LegalityDocument.objects.valid(on)
    return products.annotate(
        has_foto=Exists(ProductPhoto.objects.filter(product=OuterRef("pk"), is_cover=True)),
        has_cerita=~Q(story=""),
        has_produsen=Exists(Product.producers.through.objects.filter(product=OuterRef("pk"))),
        has_legalitas=Exists(valid_documents.filter(product=OuterRef("pk")))
        | Exists(valid_documents.filter(producer__products=OuterRef("pk"))),
        has_penilaian=Exists(
            Assessment.objects.filter(
                product=OuterRef("pk"), assessed_on__gt=add_months(on, -ASSESSMENT_VALID_MONTHS)
            )
        ),
    )


def completeness_summary(scope: Scope, sums: dict | None = None, market_areas: int = 0) -> dict:
    """How many flagships pass each check, and the average score; how many sell online and in how
    many distinct cities and regions they are sold (one query; none with the summary rows' `sums`
    and `market_areas`, for a province or the country)."""
    if sums is not None:
        totals = {
            "count": sums["flagships"],
            **{key: sums[f"with_{key}"] for key in COMPLETENESS_CHECKS},
            "online": sums["online"],
            "market_areas": market_areas,
        }
    else:
        today = timezone.localdate()

        def flagships() -> QuerySet:
            online = ShopLink.objects.filter(platform__in=ONLINE_SHOP_PLATFORMS)
            return flagships_with_completeness(scope, today).annotate(
                sells_online=Exists(online.filter(product=OuterRef("pk")))
                | Exists(online.filter(product__isnull=True, producer__products=OuterRef("pk")))
            )

        # Joined with the market areas to count their names: each flagship counted once (distinct).
        totals = prepared.aggregate(
            ("officials.completeness", scope, today),
            flagships,
            count=Count("pk", distinct=True),
            **{
                key: Count("pk", distinct=True, filter=Q(**{f"has_{key}": True}))
                for key in COMPLETENESS_CHECKS
            },
            online=Count("pk", distinct=True, filter=Q(sells_online=True)),
            market_areas=Count(Lower(Trim("market_areas__name")), distinct=True),
        )
    count = totals["count"]
    checks = [
        {
            "key": key,
            "label": label,
            "passed": totals[key],
            "missing": count - totals[key],
            "percent": _percent(totals[key], count),
            "url": _link("officials:completeness", kurang=key),
        }
        for key, label in COMPLETENESS_CHECKS.items()
    ]
    passed = sum(c["passed"] for c in checks)
    return {
        "count": count,
        "score": _percent(passed, count * len(COMPLETENESS_CHECKS)),
        "online": totals["online"],
        "market_areas": totals["market_areas"],
        "checks": checks,
        "url": reverse("officials:completeness"),
    }


def follow_up(scope: Scope, sums: dict | None = None) -> dict:
    """Expired and expiring documents, assessments due, mentoring overdue (each a count and its list;
    the counts from the summary rows' `sums` for a province or the country)."""
    if sums is not None:
        counts = {key: sums[key] for key in ("expired", "expiring", "assessments_due", "mentoring_overdue")}
    else:
        today, days = timezone.localdate(), settings.OVOP_MENTORING_DAYS
        counts = {
            **legality_expiry_counts(scope),
            "assessments_due": prepared.count(
                ("officials.assessments_due", scope, today),
                lambda: Product.objects.for_scope(scope).due_for_assessment(on=today),
            ),
            "mentoring_overdue": prepared.count(
                ("officials.mentoring_overdue", scope, today, days),
                lambda: flagships_without_recent_visit(Product.objects.for_scope(scope), days, on=today),
            ),
        }
    return {
        **counts,
        "expired_url": _link("products:product_list", legality="expired"),
        "expiring_url": _link("products:product_list", legality="expiring"),
        "assessments_due_url": reverse("products:assessment_due"),
        "mentoring_overdue_url": reverse("assistance:overdue"),
    }


def assistance_breakdown(scope: Scope) -> dict:
    """Delivered assistance in the scope by kind, by year and by funding source (one grouped query),
    and budget against delivered per programme."""
    rows = prepared.rows(
        ("officials.assistance_breakdown", scope),
        lambda: (
            Delivery.objects.for_scope(scope)
            .filter(status=Delivery.Status.DELIVERED)
            .values("programme__kind", "programme__fiscal_year", "programme__funding_source")
            .annotate(total=Sum("value"), count=Count("pk"))
            .order_by()
        ),
    )
    kinds, fundings = dict(Programme.Kind.choices), dict(Programme.Funding.choices)

    def group(field: str, labels: dict | None, param: str) -> list[dict]:
        sums: dict = defaultdict(lambda: {"total": 0, "count": 0})
        for row in rows:
            sums[row[field]]["total"] += row["total"]
            sums[row[field]]["count"] += row["count"]
        largest = max((v["total"] for v in sums.values()), default=0)
        ordered = sorted(sums.items(), key=lambda item: (-item[1]["total"], str(item[0])))
        if field == "programme__fiscal_year":
            ordered = sorted(sums.items(), reverse=True)
        return [
            {
                "key": key,
                "label": labels.get(key, key) if labels else key,
                **values,
                "share": _percent(values["total"], largest),
                "url": _link("assistance:programme_list", **{param: key}),
            }
            for key, values in ordered
        ]

    def latest_programmes() -> QuerySet:
        latest = Programme.objects.order_by("-fiscal_year", "name")
        if not scope.is_dinas:  # an officer sees the programmes that reached their kecamatan
            latest = latest.filter(Exists(Delivery.objects.for_scope(scope).filter(programme=OuterRef("pk"))))
        # The totals of the 20 latest programmes only: choosing them first keeps the sums off the
        # others' deliveries (hundreds of thousands at national scale).
        return (
            Programme.objects.with_totals()
            .filter(pk__in=Subquery(latest.values("pk")[:20]))
            .order_by("-fiscal_year", "name")
        )

    programmes = prepared.rows(("officials.latest_programmes", scope), latest_programmes)
    for programme in programmes:
        programme.delivered_percent = _percent(programme.delivered, programme.budget)
        programme.committed_percent = _percent(programme.committed, programme.budget)
    return {
        "by_kind": group("programme__kind", kinds, "kind"),
        "by_year": group("programme__fiscal_year", None, "fiscal_year"),
        "by_funding": group("programme__funding_source", fundings, "funding_source"),
        "total": sum(row["total"] for row in rows),
        "programmes": programmes,
    }


def dashboard_figures(scope: Scope, state: SummaryState | None = None) -> dict:
    """Every section of the dashboard; for a province or the country the counts come from the summary
    rows (officials.summary) of `state`, which the page shows (when they were counted)."""
    sums = None
    market_areas = 0
    if summary.uses_summary(scope):
        state = state or summary.current_state()
        sums = summary.area_sums(summary_level(scope), state)
        market_areas = state.market_areas
    cover = coverage(scope, sums)
    trend = designation_trend(scope, state if sums is not None else None)
    return {
        "coverage": cover,
        "trend": trend,
        "trend_width": max(len(trend) * 40, 120),
        "pipeline": pipeline(scope, cover["total"], sums and sums["sums"]),
        "completeness": completeness_summary(scope, sums and sums["sums"], market_areas),
        "follow_up": follow_up(scope, sums and sums["sums"]),
        "assistance": assistance_breakdown(scope),
        "situation_help": situation_help_delivered(scope, sums=sums, state=state),
        "summary_state": state,
    }


def _assessments(scope: Scope) -> QuerySet:
    """The assessments of the area's products (every one for the whole country: sees_every_row)."""
    if sees_every_row(scope):
        return Assessment.objects.all()
    return Assessment.objects.filter(product__in=Product.objects.for_scope(scope))


def recap_years(scope: Scope, today: datetime.date) -> list[int]:
    """Every year the area has data for (designations, deliveries, assessments), newest first, and
    always this year: a regency that recorded its 2016 decree can print its 2016 recap."""
    firsts = [
        prepared.aggregate((f"officials.recap_first_{name}", scope), build, first=Min(field))["first"]
        for name, build, field in (
            ("designation", lambda: Designation.objects.for_scope(scope), "year"),
            ("delivery", lambda: Delivery.objects.for_scope(scope), "delivered_on"),
            ("assessment", lambda: _assessments(scope), "assessed_on"),
        )
    ]
    years = [f if isinstance(f, int) else f.year for f in firsts if f is not None]
    first = min([*years, today.year])
    return list(range(today.year, first - 1, -1))


def recap_figures(scope: Scope, year: int) -> dict:
    """The annual recap of an area: coverage (summed from the village summaries for a province or the
    country), the designations, assistance and assessments of a year."""
    sums = None
    if summary.uses_summary(scope):
        sums = summary.area_sums(summary_level(scope), summary.current_state())
    cover = coverage(scope, sums)
    # Lazy: the page lists them for a regency or a kecamatan, and only counts them for a province or
    # the country.
    designations = (
        Designation.objects.for_scope(scope)
        .filter(status__in=[Designation.Status.APPROVED, Designation.Status.ENDED], year=year)
        .select_related("village__district", "product__category")
        .order_by("village__district__name", "village__name")
    )

    def deliveries() -> QuerySet:
        return Delivery.objects.for_scope(scope).filter(
            status=Delivery.Status.DELIVERED, delivered_on__year=year
        )

    kinds = dict(Programme.Kind.choices)
    # Summed per kind in the database, and the villages helped counted once across kinds (not the sum
    # of each kind's villages): two small queries. Grouped per kind and village instead, the country's
    # year came back as some 18,000 rows to add up here (0.1 s).
    per_kind = {
        row["programme__kind"]: {
            **row,
            "total": row["total"] or 0,
            "label": kinds.get(row["programme__kind"], row["programme__kind"]),
        }
        for row in prepared.rows(
            ("officials.recap_per_kind", scope, year),
            lambda: (
                deliveries()
                .order_by()
                .values("programme__kind")
                .annotate(total=Sum("value"), count=Count("pk"), villages=Count("village", distinct=True))
            ),
        )
    }
    helped = prepared.aggregate(
        ("officials.recap_helped", scope, year),
        lambda: deliveries().order_by(),
        villages=Count("village", distinct=True),
    )["villages"]
    by_kind = sorted(per_kind.values(), key=lambda row: -row["total"])
    stars = prepared.rows(
        ("officials.recap_stars", scope, year),
        lambda: (
            _assessments(scope)
            .filter(assessed_on__year=year)
            .values("stars")
            .annotate(n=Count("pk"))
            .order_by("-stars")
        ),
    )
    return {
        "coverage": cover,
        "designations": designations,
        "by_kind": by_kind,
        "assistance_total": sum(row["total"] for row in by_kind),
        "assistance_count": sum(row["count"] for row in by_kind),
        "assistance_villages": helped,
        "stars": stars,
    }


# --- help delivered per village situation (issue 15) ------------------------------------------------------


def help_received(received) -> dict:
    """Tally (village, its situation, programme kind) triples, distinct: how many villages of each
    situation received each kind (`per_kind`: [situation, kind, villages] rows) and how many received
    a kind their situation calls for (`helped`: villages per situation). One query (the help table)."""
    matched: dict[str, set] = defaultdict(set)
    for row in prepared.rows(
        ("officials.situation_help",), lambda: SituationHelp.objects.values_list("situation", "kind")
    ):
        matched[row[0]].add(row[1])
    per_kind: dict[tuple[str, str], set] = defaultdict(set)
    helped: dict[str, set] = defaultdict(set)
    for village, situation, kind in received:
        per_kind[(situation, kind)].add(village)
        if kind in matched[situation]:
            helped[situation].add(village)
    return {
        "per_kind": [[situation, kind, len(villages)] for (situation, kind), villages in per_kind.items()],
        "helped": {situation: len(villages) for situation, villages in helped.items()},
        "matched": {situation: sorted(kinds) for situation, kinds in matched.items()},
    }


def delivered_in(scope: Scope, year: int) -> QuerySet:
    """The area's deliveries delivered in `year`."""
    return Delivery.objects.for_scope(scope).filter(status=Delivery.Status.DELIVERED, delivered_on__year=year)


def situation_help_delivered(
    scope: Scope, year: int | None = None, sums: dict | None = None, state: SummaryState | None = None
) -> dict:
    """For each village situation (as it is today): how many villages are in it, how many of them
    received each kind of assistance delivered this year, and how many received a kind their situation
    calls for (did the villages with no product get the stimulus?). Three queries: each village's
    situation (in SQL: assistance.situations.full_situation_expression) or, for a province or the
    country, the summaries' counts (`sums`); the year's deliveries by village and kind; the help
    table. For a province or the country this year's tally is counted with the summaries and kept on
    `state` (reading a year's deliveries of the country took a quarter of a second)."""
    today = timezone.localdate()
    year = year or today.year
    kept = (state.figures.get("help") or {}) if state is not None else {}
    if sums is not None and kept.get("year") == year:
        totals, tally = sums["situations"], kept
    elif sums is not None:  # a province or the country: the situations of the summary rows
        totals = sums["situations"]
        tally = help_received(summary.received_help(delivered_in(scope, year)))
    else:
        # Each village's situation read once, and the deliveries' villages looked up in it: the
        # expression takes longer to compile than to run, and was compiled twice (for the counts and
        # for the deliveries). A regency has a few hundred villages; larger areas read the summaries.
        def situations() -> QuerySet:
            villages = Village.objects.for_scope(scope)
            return (
                villages.annotate(situation=full_situation_expression(today, villages=villages))
                .order_by()
                .values_list("code", "situation")
            )

        key = ("officials.village_situations", scope, today, needy_rule())
        situation_of = dict(prepared.rows(key, situations))
        totals = dict.fromkeys(Situation.values, 0)
        for situation in situation_of.values():
            totals[situation] += 1
        delivered = prepared.rows(
            ("officials.delivered_kinds", scope, year),
            lambda: (
                delivered_in(scope, year).order_by().values_list("village_id", "programme__kind").distinct()
            ),
        )
        tally = help_received(
            (village, situation_of[village], kind) for village, kind in delivered if village in situation_of
        )
    per_kind = {(situation, kind): n for situation, kind, n in tally["per_kind"]}
    matched = tally["matched"]
    kinds = dict(Programme.Kind.choices)
    used_kinds = sorted({kind for _situation, kind in per_kind}, key=list(kinds).index)
    rows = [
        {
            "situation": value,
            "label": str(label),
            "villages": totals[value],
            "url": _link("officials:situations", situasi=value),
            "counts": [per_kind.get((value, kind), 0) for kind in used_kinds],
            "helped": tally["helped"].get(value, 0),
            "helped_percent": _percent(tally["helped"].get(value, 0), totals[value]),
            "called_for": [str(kinds[kind]) for kind in kinds if kind in matched.get(value, ())],
        }
        for value, label in Situation.choices
    ]
    return {"year": year, "kinds": [str(kinds[kind]) for kind in used_kinds], "rows": rows}


def home_figures(scope: Scope) -> dict:
    """The officials' landing page: what needs doing in their area, each figure a link to its list
    (from the summary rows for a province or the country)."""
    if summary.uses_summary(scope):
        state = summary.current_state()
        sums = summary.area_sums(summary_level(scope), state)
        return {
            "statuses": sums["total"],
            **{key: sums["sums"][key] for key in ("awaiting", "expired", "expiring", "assessments_due")},
            "summary_state": state,
        }
    return {
        "statuses": status_counts(with_ovop_status(Village.objects.for_scope(scope)))["total"],
        "awaiting": Designation.objects.for_scope(scope).proposed().count(),
        **legality_expiry_counts(scope),
        "assessments_due": Product.objects.for_scope(scope).due_for_assessment().count(),
    }


# How far ahead the to-do list looks for follow-ups and visits coming due, and how many rows of each
# kind it shows (the full lists are one link away).
TODO_AHEAD_DAYS = 14
TODO_ROWS = 50


def _first(rows, key: tuple | None = None) -> tuple[list, bool]:
    """The first TODO_ROWS rows, and whether there were more (one query: one row more is read). With
    `key` (core.prepared), `rows` is a function building the queryset, built once per key."""
    build = rows
    read = (
        list(rows[: TODO_ROWS + 1])
        if key is None
        else prepared.rows((*key, TODO_ROWS), lambda: build()[: TODO_ROWS + 1])
    )
    return read[:TODO_ROWS], len(read) > TODO_ROWS


def _expiring_documents(scope: Scope, today: datetime.date) -> list[LegalityDocument]:
    """The first documents of the area expired or expiring, soonest first (two queries). A document
    belongs to a product or to a producer: each side through its own index, as
    products.selectors.legality_expiry_counts counts them; for the whole country, one query (each
    side alone walked the expiry index past every document of the other: 0.1 s)."""
    expiring = expired_q(today) | expiring_q(today)
    if sees_every_row(scope):  # every document: both sides in one walk of the expiry index
        return list(
            LegalityDocument.objects.filter(expiring)
            .select_related("product__village__district", "producer__village__district")
            .order_by("expires_on", "pk")[: TODO_ROWS + 1]
        )
    documents = [
        *prepared.rows(
            ("officials.todo_documents", "product", scope, today, TODO_ROWS),
            lambda: (
                LegalityDocument.objects.filter(expiring, product__in=Product.objects.for_scope(scope))
                .select_related("product__village__district")
                .order_by("expires_on", "pk")[: TODO_ROWS + 1]
            ),
        ),
        *prepared.rows(
            ("officials.todo_documents", "producer", scope, today, TODO_ROWS),
            lambda: (
                LegalityDocument.objects.filter(expiring, producer__in=Producer.objects.for_scope(scope))
                .select_related("producer__village__district")
                .order_by("expires_on", "pk")[: TODO_ROWS + 1]
            ),
        ),
    ]
    return sorted(documents, key=lambda d: (d.expires_on, d.pk))


def todo_lists(scope: Scope, today: datetime.date, state: SummaryState | None = None) -> dict:
    """Everything waiting for the official in their area, each kind in one query. For a province or
    the country, flagships due a visit, assessments due and villages needing help are counted per
    area from the village summaries (`by_area`; of `state` when the caller has read it) instead of
    listed: finding the first fifty of the country's tens of thousands of flagships took seconds, and
    the lists are a link away."""
    days = settings.OVOP_MENTORING_DAYS
    ahead = today + datetime.timedelta(days=TODO_AHEAD_DAYS)
    follow_ups, more_follow_ups = _first(
        follow_ups_due(MentoringVisit.objects.for_scope(scope), ahead, TODO_ROWS + 1)
    )
    documents, more_documents = _first(_expiring_documents(scope, today))
    listed = {
        "today": today,
        "ahead": ahead,
        "days": days,
        "follow_ups": follow_ups,
        "more_follow_ups": more_follow_ups,
        "documents": documents,
        "more_documents": more_documents,
    }
    if summary.uses_summary(scope):
        state = state or summary.current_state()
        sums = summary.area_sums(summary_level(scope), state)
        by_area = {
            "heading": COVERAGE_LEVELS[summary_level(scope)][0],
            "totals": {**sums["sums"], "needs_help": sums["situations"][Situation.NEEDS_HELP]},
            **{
                section: [(area["name"], area[key]) for area in sums["areas"] if area[key]]
                for section, key in (
                    ("flagships", "mentoring_overdue"),
                    ("assessments", "assessments_due"),
                    ("villages", "needs_help"),
                )
            },
        }
        # Nothing listed one by one (the e-mail digest of reminders lists these for a regency or a
        # kecamatan only): the page shows `by_area`.
        unlisted = {key: [] for key in ("flagships", "assessments", "villages")}
        unlisted.update({f"more_{key}": False for key in list(unlisted)})
        return {**listed, **unlisted, "by_area": by_area, "summary_state": state}
    flagships, more_flagships = _first(
        lambda: flagships_without_recent_visit(
            Product.objects.for_scope(scope), days, on=today, ahead=TODO_AHEAD_DAYS
        ).order_by(Coalesce(Greatest("last_visit", "designated_on"), "designated_on"), "name", "pk"),
        key=("officials.todo_flagships", scope, today, days, TODO_AHEAD_DAYS),
    )
    for product in flagships:  # the day the next visit falls due: `days` after the later of the two
        product.visit_due_on = max(d for d in (product.last_visit, product.designated_on) if d) + (
            datetime.timedelta(days=days)
        )
    assessments, more_assessments = _first(
        lambda: (
            Product.objects.for_scope(scope)
            .due_for_assessment(on=today)
            .order_by(F("last_assessed_on").asc(nulls_first=True), "name", "pk")
        ),
        key=("officials.todo_assessments", scope, today),
    )
    # Villages needing help (one query, the signals in SQL), then the reasons of those shown: their
    # flagships' signals (four queries, none when no village needs help).
    area = AreaSituations(Village.objects.for_scope(scope), today, key=(scope,))
    needy, more_needy = _first(
        lambda: area.filtered(Situation.NEEDS_HELP), key=area.prepared_key("officials.todo_needy")
    )
    area.read_signals(needy)
    for village in needy:
        area.place(village)
    return {
        **listed,
        "flagships": flagships,
        "more_flagships": more_flagships,
        "assessments": assessments,
        "more_assessments": more_assessments,
        "villages": needy,
        "more_villages": more_needy,
    }
