"""The map at a province's or the country's scale (issue 19): the page carries no points but the
address of catalogue:map_points, which answers the places of a bounding box, one by one or as
clusters, in a fixed number of queries; the page without JavaScript lists the first places only."""

import json
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from catalogue import coverage, views
from products.models import Product
from tests.factories import BUMIJAYA, KRAMATWATU_VILLAGE, DesignationFactory, ProductFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

PRODUCTS_VILLAGE = "36.04.09.2002"
DRAFT_ONLY_VILLAGE = "36.04.09.2003"


def village(code: str) -> Village:
    return Village.objects.get(code=code)


@pytest.fixture
def places():
    flagship = DesignationFactory(approved=True, product=ProductFactory(name="Gerabah Bumijaya"))
    ProductFactory(name="Keripik Emping", village=village(PRODUCTS_VILLAGE))
    ProductFactory(name="Draf Saja", village=village(DRAFT_ONLY_VILLAGE), status=Product.Status.DRAFT)
    ProductFactory(name="Emping Kramatwatu", village=village(KRAMATWATU_VILLAGE))
    return {"flagship": flagship}


def box_around(*codes: str, margin: float = 0.001) -> str:
    located = [village(code) for code in codes]
    lats = [float(v.latitude) for v in located]
    lngs = [float(v.longitude) for v in located]
    return f"{min(lngs) - margin},{min(lats) - margin},{max(lngs) + margin},{max(lats) + margin}"


def points(client, bbox: str, zoom: int = 12):
    return client.get(reverse("catalogue:map_points"), {"bbox": bbox, "zoom": zoom})


def map_config(html: str) -> dict:
    return json.loads(
        re.search(r'id="ovop-map-config" type="application/json">(.*?)</script>', html).group(1)
    )


def test_the_national_map_page_carries_no_points_but_where_to_ask_for_them(client, places, settings):
    settings.OVOP_AREA_CODE = "ID"
    html = client.get(reverse("catalogue:map")).content.decode()
    config = map_config(html)
    assert "points" not in config
    assert config["points_url"] == reverse("catalogue:map_points")
    assert len(config["bounds"]) == 2
    # Without JavaScript the places are still listed, with their links.
    assert "Desa Bumijaya" in html and f'href="{places["flagship"].product.get_public_url()}"' in html
    assert "Draf Saja" not in html


def test_the_national_map_lists_only_the_first_places_and_links_to_the_village_list(
    client, places, settings, monkeypatch
):
    settings.OVOP_AREA_CODE = "ID"
    monkeypatch.setattr(views, "MAP_LIST_LIMIT", 2)
    response = client.get(reverse("catalogue:map"))
    assert len(response.context["places"]) == 2
    # The first places in code order, chosen from the village summaries: those found live.
    assert [v.code for v in response.context["places"]] == [
        v.code for v in views._map_places().order_by("code")[:2]
    ]
    assert f"{reverse('villages:village_list')}?produk=1" in response.content.decode()


def test_the_map_points_of_a_box_are_its_places_with_their_links(client, places):
    response = points(client, box_around(BUMIJAYA, PRODUCTS_VILLAGE, DRAFT_ONLY_VILLAGE))
    assert response.status_code == 200
    data = response.json()
    assert data["clusters"] == []
    by_name = {p["name"]: p for p in data["points"]}
    bumijaya = village(BUMIJAYA)
    assert by_name[str(bumijaya)] == {
        "name": str(bumijaya),
        "district": "Ciruas",
        "situation": "flagship",
        "situation_label": "Produk unggulan",
        "product": "Gerabah Bumijaya",
        "url": places["flagship"].product.get_public_url(),
        "lat": float(bumijaya.latitude),
        "lng": float(bumijaya.longitude),
    }
    assert by_name[str(village(PRODUCTS_VILLAGE))]["situation"] == "products"
    # A draft is nothing to the public, and Kramatwatu lies outside the box.
    assert str(village(DRAFT_ONLY_VILLAGE)) not in by_name
    assert str(village(KRAMATWATU_VILLAGE)) not in by_name


def test_more_places_than_the_limit_come_as_clusters_that_count_them(client, places, monkeypatch):
    monkeypatch.setattr(views, "MAP_POINTS_LIMIT", 1)
    response = points(client, "105.0,-7.0,107.0,-5.0", zoom=5)
    data = response.json()
    assert data["points"] == []
    assert sum(c["count"] for c in data["clusters"]) == 3  # Bumijaya, its neighbour, Kramatwatu
    assert sum(c["flagships"] for c in data["clusters"]) == 1
    assert len(response.content) < 2000


@pytest.mark.parametrize(
    "bbox, zoom",
    [
        ("", 12),
        ("1,2,3", 12),
        ("a,b,c,d", 12),
        ("107,-7,105,-5", 12),  # west east of east
        ("105,-7,107,-5", 30),
        ("105,-7,107,-5", "x"),
        ("nan,-7,107,-5", 12),
        ("-200,-7,107,-5", 12),
    ],
)
def test_a_malformed_box_or_zoom_is_refused_with_a_message_in_indonesian(client, places, bbox, zoom):
    response = points(client, bbox, zoom)
    assert response.status_code == 400
    assert "tidak sah" in response.json()["error"]


@pytest.mark.parametrize("extra", [0, 4])
def test_the_map_points_run_a_fixed_number_of_queries(
    client, places, extra, monkeypatch, django_assert_num_queries
):
    for index in range(extra):
        ProductFactory(name=f"Produk {index}", village=village(f"36.04.09.20{10 + index:02d}"))
    bbox = "105.0,-7.0,107.0,-5.0"
    with django_assert_num_queries(1):
        # 1 the places of the box with their kecamatan, flagship, product count and situation
        points(client, bbox)
    monkeypatch.setattr(views, "MAP_POINTS_LIMIT", 1)
    with django_assert_num_queries(2):
        # 1 the places (more than the limit), 2 their clusters on the grid
        points(client, bbox, zoom=6)


def test_the_national_kecamatan_list_gives_each_row_its_own_figures(client, places, settings):
    settings.OVOP_AREA_CODE = "ID"
    response = client.get(reverse("villages:district_list"), {"q": "36.04.09"})
    [ciruas] = list(response.context["page_obj"])
    assert ciruas.village_count == Village.objects.filter(district="36.04.09").count()
    assert ciruas.flagship_count == 1
    assert ciruas.product_village_count == 2  # Bumijaya and its neighbour; a draft does not count
    assert round(ciruas.coverage, 1) == round(100 / ciruas.village_count, 1)


# A regency's list of places as map.html wrote it with a template loop, before catalogue.coverage
# wrote it in one pass (issue 19): the reference the one pass must match, in both languages.
PLACE_LOOP = Template(
    "{% load i18n l10n %}{% localize off %}{% for place in places %}"
    '<li class="cv-place-{{ place.public_situation }}"{% if place.latitude is not None and '
    'place.longitude is not None %} data-ll="{{ place.latitude }},{{ place.longitude }}"{% endif %}>'
    '<a href="{{ place.path }}">{{ place }}</a>: {% if place.product_path %}'
    '<a href="{{ place.product_path }}">{{ place.flagship_name }}</a> '
    '<span class="cv-note">({% translate "produk unggulan" %})</span>'
    '{% elif place.public_situation == "proposed" %}{% translate "diusulkan menjadi produk unggulan" %}'
    "{% else %}{% blocktranslate count counter=place.product_count %}{{ counter }} produk{% plural %}"
    "{{ counter }} produk{% endblocktranslate %}{% endif %}</li>{% endfor %}{% endlocalize %}"
)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_regency_maps_list_of_places_is_written_as_the_template_loop_wrote_it(client, places, language):
    DesignationFactory(product=ProductFactory(name='Kerupuk "Uji" & <Co>', village=village("36.04.09.2006")))
    ProductFactory(name="Kedua", village=village(PRODUCTS_VILLAGE))  # 2 products: the plural
    page = client.get(reverse("catalogue:map"))
    listed = page.context["places"]
    assert {v.public_situation for v in listed} == {"flagship", "proposed", "products"}
    with translation.override(language):
        written = coverage.place_items(listed, with_coordinates=True)
        assert written == PLACE_LOOP.render(Context({"places": listed}))
    assert written.count("data-ll=") == len(listed) and "&lt;Co&gt;" not in written  # a proposal: no name
    if language == "id":  # the page's own language: its lists are these items, kecamatan by kecamatan
        items = re.findall(r"<li class=\"cv-place-.*?</li>", page.content.decode())
        assert "".join(items) == written
