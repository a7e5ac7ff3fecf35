"""The open data API and its CSV downloads: shape, pagination, filters, the rate limit, the cache and
ETag, the OpenAPI schema, and a fixed number of queries per endpoint whatever the number of rows."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from core.links import public_url
from opendata.views import DATASETS, csv_columns, data_dictionary
from tests.factories import BUMIJAYA, CIRUAS, ProducerFactory, ProductFactory
from villages.models import Village

from .conftest import assess, designate

pytestmark = pytest.mark.django_db


def api(client, name: str, **params) -> dict:
    response = client.get(reverse(f"opendata:{name}"), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def csv_table(client, name: str) -> list[list[str]]:
    response = client.get(reverse("opendata:csv", args=[name]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_every_list_answers_json_records_with_exactly_the_documented_fields(client, world, dataset):
    data = api(client, dataset.name)
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["results"], f"{dataset.name} is empty in the test world"
    for record in data["results"]:
        assert list(record) == csv_columns(dataset.serializer)


def test_the_products_list_gives_a_products_place_price_flagship_year_stars_and_page(client, world):
    gerabah = next(p for p in api(client, "products")["results"] if p["name"] == "Gerabah Bumijaya")
    assert gerabah == {
        "slug": world["gerabah"].slug,
        "name": "Gerabah Bumijaya",
        "category_slug": "kerajinan",
        "category_name": world["gerabah"].category.name,
        "village_code": BUMIJAYA,
        "district_code": CIRUAS,
        "price_min": 15000,
        "price_max": 45000,
        "price_unit": "per buah",
        "is_flagship": True,
        "flagship_year": 2025,
        "stars": 4,
        "url": public_url(world["gerabah"].get_public_url()),
    }


def test_the_products_list_filters_by_village_kecamatan_and_category(client, world):
    def names(**params):
        return sorted(p["name"] for p in api(client, "products", **params)["results"])

    assert names(village=BUMIJAYA) == ["Gerabah Bumijaya"]
    assert names(kecamatan=CIRUAS) == ["Batik Citerep", "Gerabah Bumijaya"]
    assert names(category="fesyen-tekstil") == ["Batik Citerep"]
    assert names(kecamatan=CIRUAS, category="kerajinan") == ["Gerabah Bumijaya"]
    assert names(village="99.99.99.9999") == []


def test_the_designations_list_gives_approved_flagships_by_year_and_filters_by_year(client, world):
    data = api(client, "designations")
    assert [(d["year"], d["village_code"], d["product_slug"]) for d in data["results"]] == [
        (2025, BUMIJAYA, world["gerabah"].slug)
    ]
    assert api(client, "designations", year=2025)["count"] == 1
    assert api(client, "designations", year=2024)["count"] == 0


def test_a_malformed_filter_or_page_answers_a_json_error_never_a_500(client, world):
    response = client.get(reverse("opendata:designations"), {"year": "dua ribu"})
    assert response.status_code == 400 and "year" in response.json()
    response = client.get(reverse("opendata:products"), {"page": "banyak"})
    assert response.status_code == 404 and "detail" in response.json()
    assert client.get(reverse("opendata:csv", args=["rahasia"])).status_code == 404


def test_villages_come_in_pages_of_50_and_a_page_size_of_at_most_200(client, world):
    total = Village.objects.filter(code__startswith="36.04.").count()
    first = api(client, "villages")
    assert first["count"] == total and len(first["results"]) == 50 and first["previous"] is None
    assert "page=2" in first["next"]
    second = api(client, "villages", page=2)
    assert {v["code"] for v in first["results"]}.isdisjoint(v["code"] for v in second["results"])
    assert len(api(client, "villages", page_size=120)["results"]) == 120
    assert len(api(client, "villages", page_size=5000)["results"]) == 200


def test_a_village_says_whether_it_has_products_and_names_its_flagship(client, world):
    villages = {v["code"]: v for v in api(client, "villages", page_size=200)["results"]}
    villages.update({v["code"]: v for v in api(client, "villages", page_size=200, page=2)["results"]})
    bumijaya = villages[BUMIJAYA]
    assert bumijaya["has_products"] is True
    assert bumijaya["flagship_slug"] == world["gerabah"].slug
    assert bumijaya["flagship_url"].endswith(world["gerabah"].get_public_url())
    assert bumijaya["district_code"] == CIRUAS and bumijaya["regency_code"] == "36.04"
    without = next(v for v in villages.values() if not v["has_products"])
    assert without["flagship_slug"] is None and without["flagship_url"] is None
    assert "19.05.01.2006" not in villages


def test_the_anonymous_rate_is_limited_with_429_retry_after_and_a_json_message(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min"}}
    url = reverse("opendata:designations")
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Terlalu banyak permintaan" in response.json()["detail"]
    # the CSV downloads count against the same rate
    assert client.get(reverse("opendata:csv", args=["designations"])).status_code == 429


def test_a_signed_in_official_is_limited_like_any_visitor(client, world, settings, dinas):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min"}}
    client.force_login(dinas)
    url = reverse("opendata:villages")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429


def test_a_list_is_served_from_the_cache_until_the_data_changes(client, world, django_assert_num_queries):
    url = reverse("opendata:products")
    assert client.get(url)["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.get(url)["X-Cache"] == "hit"
    world["gerabah"].name = "Gerabah Bumijaya Baru"
    world["gerabah"].save()
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Gerabah Bumijaya Baru" in [p["name"] for p in response.json()["results"]]


def test_an_unchanged_list_answers_304_to_its_etag_and_a_changed_one_a_new_body(client, world):
    url = reverse("opendata:designations")
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"')
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    designate(
        ProductFactory(name="Opak Kramatwatu", village_id="36.04.05.2002"), world["officer"], world["dinas"]
    )
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_list_view_lets_browsers_and_proxies_keep_an_answer_for_a_minute(rf, world):
    """The view's own header (checked without the middleware; see the next test)."""
    from opendata.views import ProductList

    response = ProductList.as_view()(rf.get(reverse("opendata:products")))
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]


def test_the_api_keeps_its_public_cache_control_through_the_middleware(client, world):
    assert "no-store" not in client.get(reverse("opendata:products"))["Cache-Control"]


def test_the_openapi_schema_is_valid_and_documents_every_dataset_and_field(client, world):
    response = client.get(reverse("opendata:schema_json"))
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    for dataset in DATASETS:
        path = reverse(f"opendata:{dataset.name}")
        assert path in schema["paths"], path
        assert "get" in schema["paths"][path] and set(schema["paths"][path]) == {"get"}
        component = schema["components"]["schemas"][dataset.serializer.__name__.removesuffix("Serializer")]
        assert list(component["properties"]) == csv_columns(dataset.serializer)
        assert all(field.get("description") for field in component["properties"].values())
        dictionary = next(d for d in data_dictionary() if d["dataset"] is dataset)
        assert {f["name"]: f["type"] for f in dictionary["fields"]} == {
            name: field["type"] for name, field in component["properties"].items()
        }, "the data dictionary on /data-terbuka/ and the schema disagree"
    products = {p["name"] for p in schema["paths"][reverse("opendata:products")]["get"]["parameters"]}
    assert {"village", "kecamatan", "category", "page", "page_size"} <= products
    assert client.get(reverse("opendata:schema_yaml")).content.startswith(b"openapi: 3")


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_each_csv_has_the_same_columns_and_rows_as_the_api(client, world, dataset):
    table = csv_table(client, dataset.name)
    assert table[0] == csv_columns(dataset.serializer)
    records = []
    page = 1
    while True:
        data = api(client, dataset.name, page=page, page_size=200)
        records += data["results"]
        if not data["next"]:
            break
        page += 1
    assert len(table) - 1 == len(records)
    for row, record in zip(table[1:], records, strict=True):
        for column, cell in zip(table[0], row, strict=True):
            value = record[column]
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == str(value).lower()
            elif column == "whatsapp":
                assert cell.replace("-", "") == "0" + value.removeprefix("+62")
            elif isinstance(value, int | float):
                assert Decimal(cell) == Decimal(str(value))
            else:
                assert cell == str(value)


def _grow(world, extra: int) -> None:
    """More rows of every dataset: products with a consenting producer, a flagship and assistance."""
    villages = Village.objects.filter(district_id="36.04.05").exclude(code="36.04.05.2001").order_by("code")
    for n, village in enumerate(villages[:extra]):
        product = ProductFactory(name=f"Produk Tambahan {n}", village=village)
        product.producers.add(ProducerFactory(contact_consent=True, village=village))
        designate(product, world["officer"], world["dinas"])
        assess(product, world["dinas"], 0.6)


@pytest.mark.parametrize("extra", [0, 4])
@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_each_list_runs_two_queries_whatever_the_number_of_rows(
    client, world, dataset, extra, django_assert_num_queries
):
    _grow(world, extra)
    with django_assert_num_queries(2):
        # 1 the paginator's count, 2 the page of rows with all they show (joins and subqueries)
        client.get(reverse(f"opendata:{dataset.name}"))


@pytest.mark.parametrize("extra", [0, 4])
def test_a_csv_download_runs_one_query_whatever_the_number_of_rows(
    client, world, extra, django_assert_num_queries
):
    _grow(world, extra)
    with django_assert_num_queries(1):
        # 1 the rows, read in chunks by one cursor
        b"".join(client.get(reverse("opendata:csv", args=["products"])).streaming_content)


def test_the_open_data_page_lists_licence_dictionary_links_and_contact(client, world):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "CC BY 4.0" in page and "Cahya DSN" in page and "300.2.2-2430" in page
    assert "Permission is hereby granted" in page  # the MIT notice travels with the region data
    for dataset in DATASETS:
        assert reverse("opendata:csv", args=[dataset.name]) in page
        assert reverse(f"opendata:{dataset.name}") in page
        for name, field in dataset.serializer().fields.items():
            assert f"<code>{name}</code>" in page
            assert str(field.help_text) in page.replace("&#x27;", "'")
    assert reverse("opendata:schema_json") in page
    assert reverse("opendata:index") in client.get(reverse("catalogue:home")).content.decode()


def test_the_open_data_page_shows_the_regencys_contact_when_it_has_one(client, world):
    from regency.models import RegencyProfile

    RegencyProfile.objects.create(
        regency_name="Kabupaten Serang", agency_name="Dinas Koperasi", email="data@serangkab.go.id"
    )
    page = client.get(reverse("opendata:index")).content.decode()
    assert "mailto:data@serangkab.go.id" in page and "Dinas Koperasi" in page


def test_the_open_data_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):
        # 1 the served regency with its profile (header and footer)
        client.get(reverse("opendata:index"))


def test_the_open_data_page_is_in_english_under_en(client, world):
    response = client.get("/en" + reverse("opendata:index"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
