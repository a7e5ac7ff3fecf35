"""The public product search.

Each product carries `search_text`: the names of the product, its village, kecamatan, category and
producers, and its story, lower-cased. On PostgreSQL the search ranks full-text matches ('simple'
configuration: Indonesian has no stemmer in PostgreSQL, and plain words match well) and also accepts
near spellings through trigram word similarity ("Bumijya" finds "Bumijaya"); both are served by GIN
indexes (migration 0005). SQLite, the embedded default, matches every word as a substring.
"""

from collections.abc import Iterable

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value

from .models import Product

MAX_QUERY_LENGTH = 100


def search_document(product: Product) -> str:
    """The text the public search looks in (the product must come with its village, district,
    category and producers loaded)."""
    parts = [
        product.name,
        product.village.name,
        product.village.district.name,
        product.category.name,
        *(producer.business_name for producer in product.producers.all()),
        product.story,
    ]
    return " ".join(" ".join(part.split()) for part in parts if part).lower()


def search_refresh(products: Iterable[int] | QuerySet | None = None) -> int:
    """Recompute `search_text` for these products (ids or a queryset; all when None)."""
    queryset = Product.objects.all()
    if isinstance(products, QuerySet):
        queryset = queryset.filter(pk__in=products.values("pk"))
    elif products is not None:
        queryset = queryset.filter(pk__in=list(products))
    changed = []
    rows = queryset.select_related("village__district", "category").prefetch_related("producers")
    for product in rows.iterator(chunk_size=500):
        text = search_document(product)
        if text != product.search_text:
            product.search_text = text
            changed.append(product)
    # bulk_update writes with UPDATE: no save() and so no signals, and updated_at is left alone.
    Product.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Products matching the query, annotated with `relevance` (higher is better)."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH].lower()
    if not query:
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        document = SearchVector("search_text", config="simple")
        terms = SearchQuery(query, config="simple", search_type="websearch")
        # The filter uses the two GIN indexes; the ranking then runs on the matches only: a match in
        # the product's own name counts most, then full-text rank, then a near spelling anywhere.
        named = SearchVector("name", config="simple", weight="A") + SearchVector(
            "search_text", config="simple", weight="D"
        )
        return queryset.filter(
            Q(SearchVectorExact(document, terms)) | Q(TrigramWordSimilar(F("search_text"), Value(query)))
        ).annotate(
            relevance=SearchRank(named, terms)
            + TrigramWordSimilarity(query, "name")
            + TrigramWordSimilarity(query, "search_text") / 2
        )
    condition = Q()
    for word in query.split():
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition).annotate(relevance=Value(0.0, output_field=FloatField()))
