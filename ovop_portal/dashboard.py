"""The officials' dashboard, the data-completeness drill-down and the printable annual recap.

An officer sees their kecamatan, the Dinas the whole regency (villages.roles.scope_of). Each section
is one or two grouped queries, so the page costs the same number of queries whatever the number of
villages; every figure links to the list it counts.
"""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.models import Delivery, Programme, flagships_without_recent_visit
from core.pagination import paginate
from products.models import (
    ASSESSMENT_VALID_MONTHS,
    Assessment,
    Designation,
    LegalityDocument,
    Product,
    ProductPhoto,
    VillageStatus,
    add_months,
    due_for_assessment,
    legality_expiry_counts,
    status_counts,
    with_ovop_status,
)
from villages.access import official_required
from villages.models import District, Village, summary_level
from villages.roles import Scope, scope_of

from .cache import cached_figures

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


def coverage(scope: Scope) -> dict:
    """Villages with an approved flagship out of all villages, overall and per area one level below
    the scope's (kecamatan for a regency or an officer), in one query."""
    level = summary_level(scope)
    counts = status_counts(with_ovop_status(Village.objects.for_scope(scope)), level=level)
    by_district = level == "district"  # the village list filters by kecamatan
    rows = [
        {
            **row,
            "percent": _percent(row[VillageStatus.DESIGNATED], row["all"]),
            "url": by_district
            and _link("products:village_list", district=row["code"], status=VillageStatus.DESIGNATED),
            "missing_url": by_district
            and _link("products:village_list", district=row["code"], status=VillageStatus.NONE),
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


def designation_trend(scope: Scope) -> list[dict]:
    """Villages newly given a flagship each year (the year of their first designation), cumulative too.

    Designations that were approved and later ended still count for the year they were made.
    """
    firsts = (
        Designation.objects.for_scope(scope)
        .filter(status__in=[Designation.Status.APPROVED, Designation.Status.ENDED])
        .values("village")
        .annotate(first_year=Min("year"))
        .values_list("first_year", flat=True)
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


def pipeline(scope: Scope, statuses: dict) -> dict:
    """What to act on: proposals to decide, villages with products but no flagship, villages with none."""
    to_propose = (
        with_ovop_status(Village.objects.for_scope(scope))
        .filter(ovop_status=VillageStatus.HAS_PRODUCTS)
        .select_related("district")
        .order_by("district__name", "name")[:15]
    )
    return {
        "awaiting": Designation.objects.for_scope(scope).proposed().count(),
        "awaiting_url": reverse("products:designation_list"),
        "has_products": statuses[VillageStatus.HAS_PRODUCTS],
        "has_products_url": _link("products:village_list", status=VillageStatus.HAS_PRODUCTS),
        "proposed": statuses[VillageStatus.PROPOSED],
        "proposed_url": _link("products:village_list", status=VillageStatus.PROPOSED),
        "none": statuses[VillageStatus.NONE],
        "none_url": _link("products:village_list", status=VillageStatus.NONE),
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


def completeness_summary(scope: Scope) -> dict:
    """How many flagships pass each check, and the average score (one query)."""
    flagships = flagships_with_completeness(scope)
    totals = flagships.aggregate(
        count=Count("pk"),
        **{key: Count("pk", filter=Q(**{f"has_{key}": True})) for key in COMPLETENESS_CHECKS},
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
        "checks": checks,
        "url": reverse("officials:completeness"),
    }


def follow_up(scope: Scope) -> dict:
    """Expired and expiring documents, assessments due, mentoring overdue (each a count and its list)."""
    products = Product.objects.for_scope(scope)
    return {
        **legality_expiry_counts(scope),
        "expired_url": _link("products:product_list", legality="expired"),
        "expiring_url": _link("products:product_list", legality="expiring"),
        "assessments_due": due_for_assessment(products).count(),
        "assessments_due_url": reverse("products:assessment_due"),
        "mentoring_overdue": flagships_without_recent_visit(products, settings.OVOP_MENTORING_DAYS).count(),
        "mentoring_overdue_url": reverse("assistance:overdue"),
    }


def assistance_breakdown(scope: Scope) -> dict:
    """Delivered assistance in the scope by kind, by year and by funding source (one grouped query),
    and budget against delivered per programme."""
    rows = list(
        Delivery.objects.for_scope(scope)
        .filter(status=Delivery.Status.DELIVERED)
        .values("programme__kind", "programme__fiscal_year", "programme__funding_source")
        .annotate(total=Sum("value"), count=Count("pk"))
        .order_by()
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

    latest = Programme.objects.order_by("-fiscal_year", "name")
    if not scope.is_dinas:  # an officer sees the programmes that reached their kecamatan
        latest = latest.filter(Exists(Delivery.objects.for_scope(scope).filter(programme=OuterRef("pk"))))
    # The totals of the 20 latest programmes only: choosing them first keeps the sums off the others'
    # deliveries (hundreds of thousands at national scale).
    programmes = list(
        Programme.objects.with_totals()
        .filter(pk__in=Subquery(latest.values("pk")[:20]))
        .order_by("-fiscal_year", "name")
    )
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


def dashboard_figures(scope: Scope) -> dict:
    cover = coverage(scope)
    trend = designation_trend(scope)
    figures = {
        "coverage": cover,
        "trend": trend,
        "trend_width": max(len(trend) * 40, 120),
        "pipeline": pipeline(scope, cover["total"]),
        "completeness": completeness_summary(scope),
        "follow_up": follow_up(scope),
        "assistance": assistance_breakdown(scope),
    }
    figures["pipeline"]["to_propose"] = list(figures["pipeline"]["to_propose"])
    return figures


def _scope_key(scope: Scope) -> str:
    return "dinas" if scope.is_dinas else ",".join(sorted(scope.district_codes))


@official_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures of the official's area. At national scale they take seconds to count, so they are
    cached per area and day until a write changes what they count (ovop_portal.cache)."""
    scope = scope_of(request.user)
    figures = cached_figures("dashboard", _scope_key(scope), lambda: dashboard_figures(scope))
    return render(request, "officials/dashboard.html", {"scope": scope, **figures})


@official_required
def completeness(request: HttpRequest) -> HttpResponse:
    """Flagship products with what each one misses; `?kurang=<check>` keeps those missing it."""
    scope = scope_of(request.user)
    missing = request.GET.get("kurang", "")
    flagships = flagships_with_completeness(scope).select_related("village__district", "category")
    if missing in COMPLETENESS_CHECKS:
        flagships = flagships.filter(**{f"has_{missing}": False})
    else:
        missing = ""
    page_obj = paginate(request, flagships.order_by("village__district__name", "village__name", "pk"))
    for product in page_obj:
        product.checks = [
            (label, getattr(product, f"has_{key}")) for key, label in COMPLETENESS_CHECKS.items()
        ]
        product.score = sum(1 for _label, ok in product.checks if ok)
    context = {"page_obj": page_obj, "missing": missing, "checks": COMPLETENESS_CHECKS, "scope": scope}
    return render(request, "officials/completeness.html", context)


@official_required
def recap(request: HttpRequest) -> HttpResponse:
    """A printable annual recap for the regency or one kecamatan: coverage, designations of the year,
    assistance delivered that year, assessments of the year."""
    scope = scope_of(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("tahun", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    districts = District.objects.for_scope(scope).order_by("name")
    district = districts.filter(code=request.GET.get("kecamatan", "")).first()
    if district:  # the recap of one kecamatan: narrow the scope to it
        scope = Scope(
            is_official=True,
            is_dinas=False,
            is_admin=scope.is_admin,
            district_codes=frozenset({district.code}),
        )
    cover = coverage(scope)
    designations = (
        Designation.objects.for_scope(scope)
        .filter(status__in=[Designation.Status.APPROVED, Designation.Status.ENDED], year=year)
        .select_related("village__district", "product__category")
        .order_by("village__district__name", "village__name")
    )
    deliveries = Delivery.objects.for_scope(scope).filter(
        status=Delivery.Status.DELIVERED, delivered_on__year=year
    )
    kinds = dict(Programme.Kind.choices)
    by_kind = [
        {**row, "label": kinds.get(row["programme__kind"], row["programme__kind"])}
        for row in deliveries.values("programme__kind")
        .annotate(total=Sum("value"), count=Count("pk"), villages=Count("village", distinct=True))
        .order_by("-total")
    ]
    stars = (
        Assessment.objects.filter(product__in=Product.objects.for_scope(scope), assessed_on__year=year)
        .values("stars")
        .annotate(n=Count("pk"))
        .order_by("-stars")
    )
    context = {
        "year": year,
        "years": range(today.year, today.year - 6, -1),
        "district": district,
        "districts": districts,
        "coverage": cover,
        "designations": designations,
        "by_kind": by_kind,
        "assistance_total": sum(row["total"] for row in by_kind),
        "stars": stars,
        "printed_on": today,
    }
    return render(request, "officials/recap.html", context)
