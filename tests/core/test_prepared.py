"""core.prepared: a query built and compiled once per key and connection answers afresh every time,
and a key that misses one of the query's inputs is caught (issue 19)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
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


def test_a_param_in_a_relations_in_list_is_refused_not_run_as_text(settings, fresh_store):
    """A relation's IN list prepares its values as the target field's (a code's str(value)): a Param
    there would run as its own text and find nothing. The related field's own lookup works."""
    product = ProductFactory()
    code = models.CharField()
    with pytest.raises(ImproperlyConfigured, match="village__code__in"):
        prepared.rows(
            ("test.relation-in",),
            lambda: Product.objects.filter(village__in=prepared.in_list("village", 1, code)),
            **prepared.in_values("village", [product.village_id]),
        )
    found = prepared.rows(
        ("test.relation-code-in",),
        lambda: Product.objects.filter(village__code__in=prepared.in_list("village", 1, code)),
        **prepared.in_values("village", [product.village_id]),
    )
    assert found == [product]


def test_a_connection_shared_between_threads_keeps_nothing(settings, fresh_store):
    """The test server's threads share one connection: a kept compiler would let one thread bind or
    capture another's query, so nothing is kept there and every call is the ORM's own."""
    settings.OVOP_PREPARED_CHECK = False
    ProductFactory(name="Berbagi Satu")
    connection.inc_thread_sharing()
    try:
        build = Builds(lambda: Product.objects.filter(name__startswith="Berbagi"))
        assert prepared.count(("test.shared-count",), build) == 1
        assert [p.name for p in prepared.rows(("test.shared-rows",), build)] == ["Berbagi Satu"]
        assert prepared.count(("test.shared-count",), build) == 1
        assert build.calls == 3
        assert not connection.__dict__.get("_ovop_prepared")
    finally:
        connection.dec_thread_sharing()


def test_counting_leaves_the_connections_compilers_as_they_were(settings, fresh_store):
    """An aggregate's compiler is noted through the connection's compiler factory, replaced for the
    call only: a replacement already there (an instrument's, a test's) is put back, not dropped."""
    settings.OVOP_PREPARED_CHECK = False
    made = []
    original = connection.ops.compiler

    def counting(name):
        made.append(name)
        return original(name)

    connection.ops.compiler = counting
    try:
        assert (
            prepared.count(("test.own-factory",), lambda: Category.objects.all()) == Category.objects.count()
        )
        assert vars(connection.ops)["compiler"] is counting
        assert "SQLAggregateCompiler" in made or "SQLCompiler" in made
    finally:
        del connection.ops.compiler
    assert "compiler" not in vars(connection.ops)


def test_params_are_bound_on_a_shared_connection_too_and_a_missing_value_is_named(settings, fresh_store):
    """On the test server's shared connection nothing is kept, but a query with Params is still
    compiled and run with its values (the ORM alone would send the placeholders to the database); a
    value not given fails on its name, not in the database."""
    settings.OVOP_PREPARED_CHECK = False
    product = ProductFactory(name="Berbagi Param")
    build = lambda: Product.objects.filter(pk=prepared.Param("pk", prepared.INTEGER))  # noqa: E731
    connection.inc_thread_sharing()
    try:
        assert prepared.count(("test.shared-param-count",), build, pk=product.pk) == 1
        assert prepared.aggregate(
            ("test.shared-param-max",), build, values={"pk": product.pk}, top=Max("pk")
        ) == {"top": product.pk}
        assert [p.name for p in prepared.rows(("test.shared-param-rows",), build, pk=product.pk)] == [
            "Berbagi Param"
        ]
    finally:
        connection.dec_thread_sharing()
    with pytest.raises(KeyError, match="'pk'"):
        prepared.rows(("test.missing-value",), build)
