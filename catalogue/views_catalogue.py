"""The public catalogue: search, filters and category pages."""

import functools
from collections.abc import Callable
from itertools import islice

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.caching import cache_public_page, page_shape
from core.pagination import paginate
from products.filters import CatalogueFilter
from products.models import (
    Category,
    Product,
)
from products.search import search_plan, suggestions

from . import showcase

CATALOGUE_PAGE_SIZE = 12
# The order of the parameters in a cleaned address: the form's, then the page.
PARAMETER_ORDER = (*CatalogueFilter.Meta.fields, "page")
# Other queries tried for "did you mean" when a search finds nothing (one query each, on a page the
# cache then keeps).
MAX_SUGGESTIONS_TRIED = 4


def without_empty_parameters(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`?q=&kecamatan=&page=` redirects to the address without the empty parameters (the others kept,
    in a stable order), so a shared or bookmarked link reads clean and the cache keeps one copy.

    Before the page cache: the redirect is the same for everyone and never stored. htmx requests are
    left alone: static/js/catalogue-filters.js drops empty fields before they are sent, and redirecting
    a fragment request would only cost a round trip."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.headers.get("HX-Request") or not any(
            "" in values for _name, values in request.GET.lists()
        ):
            return view(request, *args, **kwargs)
        kept = QueryDict(mutable=True)
        names = sorted(
            request.GET, key=lambda n: (PARAMETER_ORDER.index(n) if n in PARAMETER_ORDER else 99, n)
        )
        for name in names:
            values = [value for value in request.GET.getlist(name) if value != ""]
            if values:
                kept.setlist(name, values)
        return HttpResponseRedirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)

    return wrapper


def _active_filters(request: HttpRequest, filterset: CatalogueFilter, skip: set[str]) -> list[dict]:
    """The filters in use, each with the link that removes it (and goes back to page 1)."""
    filterset.is_valid()
    cleaned = getattr(filterset.form, "cleaned_data", {})
    active = []
    # One chip for the region, the narrowest chosen (the wider ones are its province and regency).
    regions = [name for name in filterset.region_names if cleaned.get(name)]
    skip = skip | set(regions[:-1])
    for name in ("q", "provinsi", "kabupaten", "kecamatan", "kategori", "jenis", "bintang", "legalitas"):
        value = cleaned.get(name)
        if not value or name in skip:
            continue
        field = filterset.form.fields[name]
        # Model choices (kecamatan, kategori) show their name; iterating them would cost a query.
        choices = {} if hasattr(value, "pk") else {str(k): v for k, v in getattr(field, "choices", [])}
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        active.append(
            {
                "label": field.label,
                "value": getattr(value, "display_name", None)
                or getattr(value, "name", None)
                or choices.get(str(value), value),
                "remove_url": f"?{remaining.urlencode()}" if remaining else request.path,
            }
        )
    return active


def _catalogue(request: HttpRequest, category: Category | None = None) -> HttpResponse:
    data = request.GET.copy()
    products = Product.objects.public().for_catalogue()
    if category:
        data.pop("kategori", None)  # the page is the category
        products = products.filter(category=category)
    filterset = CatalogueFilter(data, queryset=products)
    # The page's keys first, its cards then (place, badges, stars, cover) for those twelve alone. A
    # search: one query for the keys and the total, so that its condition runs once. Unsearched: the
    # keys read in order from the flagships-first index, and a COUNT (a window count would sort every
    # product of the area to count them: issue 19).
    page_obj = paginate(
        request,
        filterset.qs,
        CATALOGUE_PAGE_SIZE,
        single_query=bool(filterset.search_query),
        rows=showcase.cards,
    )
    active = _active_filters(request, filterset, skip={"kategori"} if category else set())
    plan = filterset.plan
    context = {
        "filter": filterset,
        "page_obj": page_obj,
        "category": category,
        "active_filters": active,
        "more_filters_open": any(
            request.GET.get(name) for name in ("kategori", "jenis", "bintang", "legalitas", "urut")
        ),
        "search_query": filterset.search_query,
        # "Menampilkan hasil untuk …": the results are those of the corrected or expanded query.
        "searched_as": plan.shown if plan and plan.changed and page_obj.paginator.count else "",
        "suggestion": _suggestion(request, filterset) if plan and not page_obj.paginator.count else None,
    }
    template = "catalogue/product_list.html"
    # One decision for the view and the cache key (core.caching.page_shape); the template adds
    # its out-of-band language switch for any htmx request, i.e. any shape but "page".
    if page_shape(request) == "fragment":
        template += "#results"
    return render(request, template, context)


def _suggestion(request: HttpRequest, filterset: CatalogueFilter) -> dict | None:
    """ "Did you mean": the first other query that finds products under the same filters, with its link."""
    for query in islice(suggestions(filterset.plan), MAX_SUGGESTIONS_TRIED):
        if query and filterset.searched(search_plan(query)).exists():
            parameters = request.GET.copy()
            parameters["q"] = query
            parameters.pop("page", None)
            return {"query": query, "url": f"?{parameters.urlencode()}"}
    return None


@require_safe
@without_empty_parameters
@cache_public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    return _catalogue(request)


@require_safe
@without_empty_parameters
@cache_public_page
def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _catalogue(request, get_object_or_404(Category, slug=slug))
