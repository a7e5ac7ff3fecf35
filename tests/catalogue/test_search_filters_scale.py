"""The catalogue's filter form and its page of results at any size of area (issue 19): in a regency the
kecamatan select lists the regency's kecamatan; above it the region cascades province > regency >
kecamatan, each select listing the children of the choice above; selects are drawn without a template
include per option; the page and its total come from one query."""

import re

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagination import paginate
from core.widgets import LeanSelect
from products.models import Product
from tests.factories import CIRUAS, KRAMATWATU_VILLAGE, ProductFactory
from villages.models import District, Province, Regency, Village

pytestmark = pytest.mark.django_db

URL = "/produk/"


@pytest.fixture
def elsewhere():
    """A product in another province than Serang's (Banten, 36)."""
    Province.objects.create(code="92", name="Provinsi Uji")
    Regency.objects.create(code="92.01", province_id="92", name="Kabupaten Uji", kind="kabupaten")
    District.objects.create(code="92.01.10", regency_id="92.01", name="Kecamatan Uji")
    village = Village.objects.create(
        code="92.01.10.2001", district_id="92.01.10", name="Desa Uji", kind="desa"
    )
    return ProductFactory(name="Anyaman Uji", village=village)


@pytest.fixture
def national(settings):
    settings.OVOP_AREA_CODE = "ID"


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def names(response) -> list[str]:
    return [product.name for product in response.context["page_obj"]]


def test_a_lean_select_draws_exactly_what_djangos_select_draws():
    choices = [("", "Semua"), ("x", "X & <y>"), ("Grup", [("1", "satu"), ("2", "dua")])]

    class Both(forms.Form):
        plain = forms.ChoiceField(choices=choices, required=False)
        lean = forms.ChoiceField(choices=choices, required=False, widget=LeanSelect)

    form = Both({"plain": "2", "lean": "2"})
    squeeze = lambda html: re.sub(r">\s+<", "><", html).strip()  # noqa: E731
    drawn = squeeze(str(form["lean"])).replace("lean", "plain")
    assert drawn == squeeze(str(form["plain"]))
    assert '<option value="2" selected>dua</option>' in drawn


def test_in_a_regency_the_form_lists_its_kecamatan_and_no_province_or_regency(client, elsewhere):
    ProductFactory(name="Gerabah Bumijaya")
    html = client.get(URL).content.decode()
    listed = options(html, "kecamatan")
    assert CIRUAS in listed and "92.01.10" not in listed
    assert len(listed) == District.objects.filter(code__startswith="36.04.").count() + 1
    assert 'name="provinsi"' not in html and 'name="kabupaten"' not in html


def test_nationally_the_form_lists_provinces_and_no_kecamatan_until_a_regency_is_chosen(
    client, national, elsewhere
):
    response = client.get(URL)
    html = response.content.decode()
    assert options(html, "provinsi") == ["", "36", "92"]
    assert options(html, "kabupaten") == [""]
    assert options(html, "kecamatan") == [""]
    assert "Pilih provinsi dulu." in html
    assert set(names(response)) == {"Anyaman Uji"}


def test_a_chosen_province_lists_its_regencies_and_filters_the_products(client, national, elsewhere):
    ProductFactory(name="Gerabah Bumijaya")
    response = client.get(URL, {"provinsi": "36"})
    html = response.content.decode()
    assert options(html, "kabupaten") == ["", "36.04"]
    assert options(html, "kecamatan") == [""]
    assert names(response) == ["Gerabah Bumijaya"]


def test_a_link_with_only_a_kecamatan_shows_its_regency_and_province(client, national, elsewhere):
    ProductFactory(name="Gerabah Bumijaya")
    ProductFactory(name="Emping Kramatwatu", village=Village.objects.get(code=KRAMATWATU_VILLAGE))
    response = client.get(URL, {"kecamatan": CIRUAS})
    html = response.content.decode()
    assert names(response) == ["Gerabah Bumijaya"]
    assert '<option value="36" selected>' in html
    assert '<option value="36.04" selected>' in html
    assert f'<option value="{CIRUAS}" selected>' in html
    assert "92.01.10" not in options(html, "kecamatan")
    # one chip, the kecamatan: its province and regency follow from it
    assert [f["label"] for f in response.context["active_filters"]] == ["Kecamatan"]


def test_a_regency_outside_the_chosen_province_is_dropped_as_stale(client, national, elsewhere):
    ProductFactory(name="Gerabah Bumijaya")
    response = client.get(URL, {"provinsi": "92", "kabupaten": "36.04", "kecamatan": CIRUAS})
    assert names(response) == ["Anyaman Uji"]
    assert options(response.content.decode(), "kabupaten") == ["", "92.01"]


def test_a_bad_region_code_is_left_out_not_an_error(client, national, elsewhere):
    response = client.get(URL, {"provinsi": "zz", "kabupaten": "x.y", "kecamatan": "'; drop"})
    assert response.status_code == 200
    assert names(response) == ["Anyaman Uji"]


def test_the_htmx_fragment_nationally_brings_the_region_selects_along(client, national, elsewhere):
    response = client.get(URL, {"provinsi": "92"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="region-filters" data-hx-swap-oob="true"' in html
    assert options(html, "kabupaten") == ["", "92.01"]


def test_the_htmx_fragment_in_a_regency_has_no_region_selects(client, elsewhere):
    html = client.get(URL, {"q": "anyaman"}, headers={"HX-Request": "true"}).content.decode()
    assert "region-filters" not in html


def _request(**query):
    return RequestFactory().get("/", query)


def test_a_single_query_page_gives_the_rows_and_the_total(django_assert_num_queries):
    for n in range(5):
        ProductFactory(name=f"Produk {n}")
    with django_assert_num_queries(2):  # 1 the page's keys with the total, 2 the page's rows
        page = paginate(_request(page="2"), Product.objects.order_by("name"), 2, single_query=True)
    assert [p.name for p in page] == ["Produk 2", "Produk 3"]
    assert page.paginator.count == 5 and page.paginator.num_pages == 3
    assert isinstance(page.object_list, list)


def test_a_page_past_the_end_gives_the_last_page(django_assert_num_queries):
    for n in range(5):
        ProductFactory(name=f"Produk {n}")
    with django_assert_num_queries(4):  # 1 the empty page, 2 count, 3 the last page's keys, 4 its rows
        page = paginate(_request(page="9"), Product.objects.order_by("name"), 2, single_query=True)
    assert page.number == 3 and [p.name for p in page] == ["Produk 4"]
    for bad in ("x", "-1", "0"):
        assert (
            paginate(_request(page=bad), Product.objects.order_by("name"), 2, single_query=True).number == 1
        )


def test_rows_loaded_for_a_page_keep_the_lean_querysets_order(django_assert_num_queries):
    for n in range(4):
        ProductFactory(name=f"Produk {n}")
    with django_assert_num_queries(2):  # 1 the page's keys with the total, 2 the rows
        page = paginate(
            _request(),
            Product.objects.order_by("-name"),
            3,
            rows=lambda pks: Product.objects.filter(pk__in=pks).order_by("name"),
        )
    assert [p.name for p in page] == ["Produk 3", "Produk 2", "Produk 1"]
    assert page.paginator.count == 4


def test_an_empty_list_is_one_query_and_one_page(django_assert_num_queries):
    with django_assert_num_queries(1):
        page = paginate(_request(), Product.objects.order_by("name"), 2, single_query=True)
    assert page.paginator.count == 0 and page.number == 1 and list(page) == []


def _lean_rows(pks):
    return Product.objects.filter(pk__in=pks)


def test_a_list_counted_apart_reads_the_keys_then_counts_then_the_rows(django_assert_num_queries):
    """`single_query=False` with `rows`: no window count (it sorts every row of the list to count it),
    the page's keys in the list's order, a COUNT, the rows."""
    for n in range(5):
        ProductFactory(name=f"Produk {n}")
    queryset = Product.objects.order_by("name")
    with django_assert_num_queries(3) as captured:  # 1 the page's keys, 2 the total, 3 the rows
        page = paginate(_request(page="2"), queryset, 2, single_query=False, rows=_lean_rows)
    assert not any("OVER" in query["sql"] for query in captured.captured_queries)
    assert [p.name for p in page] == ["Produk 2", "Produk 3"]
    assert page.paginator.count == 5 and page.paginator.num_pages == 3 and page.number == 2
    # The first page holding every row needs no count.
    with django_assert_num_queries(2):
        page = paginate(_request(), queryset, 10, single_query=False, rows=_lean_rows)
    assert page.paginator.count == 5 and len(page) == 5
    # Past the end: the last page, as the windowed list gives it.
    with django_assert_num_queries(4):  # 1 the empty page, 2 count, 3 the last page's keys, 4 its rows
        page = paginate(_request(page="9"), queryset, 2, single_query=False, rows=_lean_rows)
    assert page.number == 3 and [p.name for p in page] == ["Produk 4"]


def test_the_officials_lists_count_apart_unless_searched(dinas_client):
    """The officials' product list of a whole country was 0.3 s of window count; unsearched it counts
    apart, searched the search's condition runs once (issue 19)."""
    for n in range(3):
        ProductFactory(name=f"Gerabah {n}")
    for query, windowed in (({}, False), ({"q": "gerabah"}, True)):
        with CaptureQueriesContext(connection) as captured:
            response = dinas_client.get(reverse("products:product_list"), query)
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 3
        assert any("OVER" in q["sql"] for q in captured.captured_queries) is windowed, query


def test_the_catalogue_counts_apart_unless_searched_and_loads_only_the_pages_cards(client):
    """Unsearched, the page's keys come in the flagships-first order of the stored flag (an index on
    PostgreSQL) and a COUNT gives the total; searched, one windowed query gives both. Either way the
    cards' place, badges and stars are computed for the page's rows only (issue 19)."""
    for n in range(14):
        ProductFactory(name=f"Gerabah {n:02}", status=Product.Status.PUBLISHED)
    for query, windowed in (({}, False), ({"q": "gerabah"}, True)):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, query)
        page = response.context["page_obj"]
        assert page.paginator.count == 14 and len(page) == 12
        products = [q["sql"] for q in captured.captured_queries if 'FROM "products_product"' in q["sql"]]
        assert any("OVER" in sql for sql in products) is windowed, query
        (keys,) = [sql for sql in products if '"listed_as_flagship" DESC' in sql]
        assert "products_designation" not in keys and ("OVER" in keys) is windowed, query
        assert any("products_designation" in sql and " IN (" in sql for sql in products), query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector is PostgreSQL's")
def test_on_postgresql_search_reads_the_stored_vector_which_follows_every_write(client):
    """The search text's vector is a generated column (migration 0023): matching and ranking read it
    and never turn each row's long text into a vector again, and a write to the text moves it."""
    product = ProductFactory(name="Keripik Pisang", story="Renyah dari pisang kepok.", status="published")
    with CaptureQueriesContext(connection) as captured:
        assert [p.name for p in client.get(URL, {"q": "kepok"}).context["page_obj"]] == ["Keripik Pisang"]
    searched = next(q["sql"] for q in captured.captured_queries if "OVER" in q["sql"])
    assert '"search_vector" @@' in searched
    assert 'COALESCE("products_product"."search_text"' not in searched

    product.story = "Renyah dari pisang tanduk."
    product.save()
    assert list(client.get(URL, {"q": "kepok"}).context["page_obj"]) == []
    assert [p.name for p in client.get(URL, {"q": "tanduk"}).context["page_obj"]] == ["Keripik Pisang"]
