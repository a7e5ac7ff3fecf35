"""The public catalogue: search, filters and category pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.caching import cache_public_page, page_shape
from core.pagination import paginate
from products.filters import CatalogueFilter
from products.models import (
    Category,
    Product,
)

CATALOGUE_PAGE_SIZE = 12


def _active_filters(request: HttpRequest, filterset: CatalogueFilter, skip: set[str]) -> list[dict]:
    """The filters in use, each with the link that removes it (and goes back to page 1)."""
    filterset.is_valid()
    cleaned = getattr(filterset.form, "cleaned_data", {})
    active = []
    for name in ("q", "kecamatan", "kategori", "jenis", "bintang", "legalitas"):
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
                "value": getattr(value, "name", None) or choices.get(str(value), value),
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
    page_obj = paginate(request, filterset.qs, CATALOGUE_PAGE_SIZE)
    active = _active_filters(request, filterset, skip={"kategori"} if category else set())
    context = {
        "filter": filterset,
        "page_obj": page_obj,
        "category": category,
        "active_filters": active,
        "more_filters_open": any(
            request.GET.get(name) for name in ("kategori", "jenis", "bintang", "legalitas", "urut")
        ),
        "search_query": filterset.search_query,
    }
    template = "catalogue/product_list.html"
    # One decision for the view and the cache key (core.caching.page_shape); the template adds
    # its out-of-band language switch for any htmx request, i.e. any shape but "page".
    if page_shape(request) == "fragment":
        template += "#results"
    return render(request, template, context)


@require_safe
@cache_public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    return _catalogue(request)


@require_safe
@cache_public_page
def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _catalogue(request, get_object_or_404(Category, slug=slug))
