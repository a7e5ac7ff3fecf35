"""core.prepared: a query built and compiled once per key and connection answers afresh every time,
and a key that misses one of the query's inputs is caught (issue 19)."""

import datetime

import pytest
from django.db import connection, models
from django.db.models import Count, Max, Sum
from django.test.utils import CaptureQueriesContext

from core import prepared
from products.models import Category, LegalityDocument, Product
from tests.factories import LegalityDocumentFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_store():
    connection.__dict__.pop("_ovop_prepared", None)
    yield
    connection.__dict__.pop("_ovop_prepared", None)


class Builds:
    """A `build` callable that counts how often the queryset was built."""

    def __init__(self, make):
        self.make = make
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.make()


def test_rows_are_read_afresh_but_built_once(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = False
    Category.objects.create(name="Kerajinan Uji", slug="kerajinan-uji")
    build = Builds(lambda: Category.objects.filter(name__endswith="Uji").order_by("name"))

    first = prepared.rows(("test.categories",), build)
    Category.objects.create(name="Makanan Uji", slug="makanan-uji")
    with CaptureQueriesContext(connection) as queries:
        second = prepared.rows(("test.categories",), build)

    assert [c.name for c in first] == ["Kerajinan Uji"]
    assert [c.name for c in second] == ["Kerajinan Uji", "Makanan Uji"]
    assert all(isinstance(c, Category) and c.pk for c in second)
    assert build.calls == 1
    assert len(queries) == 1


def test_values_rows_and_related_rows(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = False
    product = ProductFactory()
    values = lambda: prepared.rows(  # noqa: E731
        ("test.values",), lambda: Category.objects.filter(pk=product.category_id).values("name")
    )
    related = lambda: prepared.rows(  # noqa: E731
        ("test.related", product.pk),
        lambda: type(product).objects.filter(pk=product.pk).select_related("village__district"),
    )
    assert values() == values() == [{"name": product.category.name}]
    first, again = related()[0], related()[0]
    district = product.village.district.name
    with CaptureQueriesContext(connection) as queries:
        assert again.village.district.name == district
    assert len(queries) == 0
    assert first is not again


def test_aggregates_and_counts_are_read_afresh(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = False
    ProductFactory(name="Keripik Uji Satu")
    build = Builds(lambda: Category.objects.all())
    counting = Builds(lambda: Product.objects.filter(name__startswith="Keripik Uji"))

    assert prepared.count(("test.count",), counting) == 1
    assert prepared.aggregate(("test.aggregate",), build, n=Count("pk"), top=Max("name"))["n"] >= 1
    ProductFactory(name="Keripik Uji Dua")
    with CaptureQueriesContext(connection) as queries:
        assert prepared.count(("test.count",), counting) == 2
    assert len(queries) == 1
    assert counting.calls == 1
    assert build.calls == 1


def test_an_aggregate_over_nothing_gives_its_empty_value(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = False
    build = lambda: Category.objects.filter(name="tidak ada")  # noqa: E731
    for _ in range(2):
        assert prepared.aggregate(("test.none",), build, n=Count("pk"), total=Sum("pk")) == {
            "n": 0,
            "total": None,
        }
    # Django answers an empty IN list without the database: nothing is kept, the answer stays right.
    empty = lambda: Category.objects.filter(pk__in=[])  # noqa: E731
    for _ in range(2):
        assert prepared.count(("test.empty-in",), empty) == 0
        assert prepared.rows(("test.empty-rows",), empty) == []


def test_a_key_that_misses_an_input_is_caught(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = True
    names = iter(["Satu", "Dua"])
    build = lambda: Category.objects.filter(name=next(names))  # noqa: E731  (the name is not in the key)
    prepared.rows(("test.forgetful",), build)
    with pytest.raises(prepared.PreparedQueryMismatch, match="test.forgetful"):
        prepared.rows(("test.forgetful",), build)

    counts = iter(["Satu", "Dua"])
    count_build = lambda: Category.objects.filter(name=next(counts))  # noqa: E731
    prepared.count(("test.forgetful-count",), count_build)
    with pytest.raises(prepared.PreparedQueryMismatch):
        prepared.count(("test.forgetful-count",), count_build)


def test_the_area_served_is_part_of_every_key(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = True
    build = lambda: Category.objects.filter(name=settings.OVOP_AREA_CODE)  # noqa: E731
    prepared.rows(("test.area",), build)
    settings.OVOP_AREA_CODE = "ID"
    prepared.rows(("test.area",), build)  # another key: no mismatch


def test_the_oldest_queries_are_dropped_past_the_limit(settings, fresh_store, monkeypatch):
    settings.OVOP_PREPARED_CHECK = False
    monkeypatch.setattr(prepared, "LIMIT", 3)
    for n in range(5):
        prepared.rows(("test.limit", n), lambda n=n: Category.objects.filter(pk=n))
    kept = [key[1] for key in connection._ovop_prepared if key[0] == "test.limit"]
    assert kept == [2, 3, 4]


def test_a_param_is_given_at_each_run_and_one_compiled_query_serves_every_value(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = False
    first, second = ProductFactory(name="Kopi Param Satu"), ProductFactory(name="Kopi Param Dua")
    build = Builds(lambda: Product.objects.filter(pk=prepared.Param("pk", models.IntegerField())))
    counted = Builds(
        lambda: Product.objects.filter(
            name__startswith="Kopi Param", pk__gte=prepared.Param("from", models.IntegerField())
        )
    )

    assert [p.name for p in prepared.rows(("test.param",), build, pk=first.pk)] == ["Kopi Param Satu"]
    with CaptureQueriesContext(connection) as queries:
        assert [p.name for p in prepared.rows(("test.param",), build, pk=second.pk)] == ["Kopi Param Dua"]
    assert prepared.rows(("test.param",), build, pk=-1) == []
    assert prepared.count(("test.param-count",), counted, **{"from": first.pk}) == 2
    assert prepared.count(("test.param-count",), counted, **{"from": second.pk}) == 1
    assert prepared.aggregate(("test.param-max",), counted, values={"from": first.pk}, top=Max("pk")) == {
        "top": second.pk
    }
    assert build.calls == 1 and counted.calls == 2  # count and aggregate: one compiled query each
    assert len(queries) == 1


def test_params_convert_their_values_as_the_field_does(settings, fresh_store):
    settings.OVOP_PREPARED_CHECK = True  # the second run also checks the kept SQL against a fresh one
    product = ProductFactory()
    LegalityDocumentFactory(product=product, number="P-1", expires_on=datetime.date(2027, 1, 31))
    LegalityDocumentFactory(product=product, number="P-2", expires_on=datetime.date(2027, 3, 1))
    build = lambda: LegalityDocument.objects.filter(  # noqa: E731
        product=product, expires_on__lt=prepared.Param("before", models.DateField())
    ).order_by("expires_on")
    key = ("test.param-date", product.pk)
    assert [d.number for d in prepared.rows(key, build, before=datetime.date(2027, 2, 1))] == ["P-1"]
    assert [d.number for d in prepared.rows(key, build, before=datetime.date(2027, 3, 2))] == ["P-1", "P-2"]
    assert [d.expires_on for d in prepared.rows(key, build, before=datetime.date(2028, 1, 1))] == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 3, 1),
    ]
