"""The officials' dashboard, the data-completeness drill-down and the printable annual recap; their
figures are read in officials.selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.caching import cached_figures
from core.pagination import paginate
from core.sorting import sort
from villages.access import official_required
from villages.models import summary_level
from villages.roles import Scope, scope_of

from .forms import KecamatanFilter
from .selectors import (
    COMPLETENESS_CHECKS,
    dashboard_figures,
    flagships_with_completeness,
    recap_figures,
    recap_years,
)
from .summary import figures_variant


@official_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures of the official's area, cached per area and day until a write changes what they
    count (core.caching). A province's or the country's counts are summed from the village summaries
    (officials.summary), so that rendering them afresh costs about what a regency's does."""
    scope = scope_of(request.user)
    variant, state = figures_variant(scope)
    figures = cached_figures("dashboard", variant, lambda: dashboard_figures(scope, state))
    return render(request, "officials/dashboard.html", {"scope": scope, **figures})


# The completeness list's sortable columns (core.sorting).
COMPLETENESS_COLUMNS = {
    "product": ["name"],
    "village": ["village__name", "village__district__name"],
}


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
    flagships, sorting = sort(
        request,
        flagships.order_by("village__district__name", "village__name", "pk"),
        COMPLETENESS_COLUMNS,
    )
    page_obj = paginate(request, flagships)
    for product in page_obj:
        product.checks = [
            (label, getattr(product, f"has_{key}")) for key, label in COMPLETENESS_CHECKS.items()
        ]
        product.score = sum(1 for _label, ok in product.checks if ok)
    context = {
        "page_obj": page_obj,
        "missing": missing,
        "checks": COMPLETENESS_CHECKS,
        "scope": scope,
        "sorting": sorting,
    }
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
    area_filter = KecamatanFilter(
        request.GET, scope=scope, label=_("Wilayah"), empty_label=_("Seluruh wilayah tugas")
    )
    district = area_filter.district()
    # Designations are listed village by village for a regency or one kecamatan; nationally (or for
    # a province) a printed list of every village would run to hundreds of pages: their count only.
    list_designations = district is not None or summary_level(scope) == "district"
    if district:  # the recap of one kecamatan: narrow the scope to it
        scope = Scope(
            is_official=True,
            is_dinas=False,
            is_admin=scope.is_admin,
            district_codes=frozenset({district.code}),
        )
    figures = recap_figures(scope, year)
    context = {
        "year": year,
        "years": recap_years(scope, today),
        "district": district,
        "area_filter": area_filter,
        "list_designations": list_designations,
        **figures,
        "printed_on": today,
    }
    return render(request, "officials/recap.html", context)
