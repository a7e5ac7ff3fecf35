"""What the home page shows off: the flagships the public sees, the featured ones and the newest.

A regency chooses them on each render. A province or the whole country chooses them when the village
summaries are counted (officials.summary keeps the chosen ids on its state): ordering every flagship
of the country by its stars and year took longer than the rest of the page."""

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import prepared
from core.prepared import INTEGER, TEXT, Param
from products.models import Category, Designation, Product
from villages.models import service_area

FEATURED_COUNT = 6
NEWEST_COUNT = 6


def cards(pks: list[int]) -> list[Product]:
    """The catalogue's cards of these products (any order): with their place, badges, stars and
    cover, in a query built and compiled once per number of cards (core.prepared)."""
    count = len(pks)
    return prepared.rows(
        ("catalogue.cards", count, timezone.localdate()),
        lambda: Product.objects.for_catalogue().filter(pk__in=prepared.in_list("pk", count, INTEGER)),
        **prepared.in_values("pk", pks),
    )


def village_products() -> QuerySet:
    """The public products of the village given as the Param "village" (core.prepared), flagship
    first: the village page lists them, a product page shows its neighbours."""
    return (
        Product.objects.public()
        .for_catalogue()
        .filter(village=Param("village", TEXT))
        .order_by(F("is_flagship").desc(), "name")
    )


def public_flagships() -> QuerySet:
    """Approved designations of published products still in the designated village: the only
    flagships the public sees."""
    return (
        Designation.objects.approved()
        .in_product_village()
        .filter(service_area("village__code"), product__status=Product.Status.PUBLISHED)
    )


def featured(chosen: list[int] | None = None) -> QuerySet:
    """The best-assessed flagships, then the most recently designated (`chosen`: among these ids)."""
    products = Product.objects.public().for_catalogue().filter(is_flagship=True)
    if chosen is not None:
        products = products.filter(pk__in=chosen)
    return products.order_by(F("stars").desc(nulls_last=True), "-flagship_year", "name")[:FEATURED_COUNT]


def newest(chosen: list[int] | None = None) -> QuerySet:
    """The latest designations (`chosen`: among these ids)."""
    designations = public_flagships().select_related("product__category", "village__district")
    if chosen is not None:
        designations = designations.filter(pk__in=chosen)
    return designations.order_by(
        F("decided_at").desc(nulls_last=True), F("decree_date").desc(nulls_last=True), "-pk"
    )[:NEWEST_COUNT]


def chosen_ids() -> dict[str, list[int]]:
    """The featured products' and newest designations' ids, for the summaries' state."""
    return {
        "featured": list(featured().values_list("pk", flat=True)),
        "newest": list(newest().values_list("pk", flat=True)),
    }


def _public_products() -> QuerySet:
    return Product.objects.public().order_by().values("category")


def category_counts() -> dict[int, int]:
    """How many public products each category with any has, for the summaries' state: one grouped
    query over the area's products."""
    return dict(_public_products().annotate(n=Count("pk")).values_list("category", "n"))


def categories(counts: dict[int, int] | None = None) -> list[Category]:
    """The categories with public products, each with its `product_count`: `counts` as category_counts
    gives them when chosen ahead (a province or the country: counting tens of thousands of products
    took a third of a second), else counted here, each category's from the area's products through
    their own index (a regency: milliseconds). One query either way."""
    if counts is None:

        def annotated() -> QuerySet:
            counted = _public_products().filter(category=OuterRef("pk")).annotate(n=Count("pk")).values("n")
            return Category.objects.annotate(product_count=Coalesce(Subquery(counted), 0))

        rows = prepared.rows(("catalogue.category_counts", timezone.localdate()), annotated)
        return [category for category in rows if category.product_count]
    every = prepared.rows(("catalogue.categories",), lambda: Category.objects.all())
    chosen = [category for category in every if counts.get(category.pk)]
    for category in chosen:
        category.product_count = counts[category.pk]
    return chosen
