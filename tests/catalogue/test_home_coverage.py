"""The programme at a glance (issue 18, part 6): the home page's coverage drawing and table, the
newest flagships and success stories, category and kecamatan entries with counts, and the kecamatan
and village lists that show which places have products and flagships. Fixed query counts whatever
the data, and a national deployment that draws the level below instead of every village."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from assistance.models import SuccessStory
from catalogue import coverage
from officials import summary
from products.models import Category, Designation, Product
from tests.factories import BUMIJAYA, KRAMATWATU_VILLAGE, DesignationFactory, ProductFactory, UserFactory
from tests.portal.test_page_weight import national  # noqa: F401 (a fixture)
from villages.models import Village

pytestmark = pytest.mark.django_db

# Villages of Kecamatan Ciruas (36.04.09) and Kramatwatu (36.04.05), from the real region data.
PROPOSED_VILLAGE = "36.04.09.2001"
PRODUCTS_VILLAGE = "36.04.09.2002"
DRAFT_ONLY_VILLAGE = "36.04.09.2003"
MOVED_FROM = "36.04.09.2004"
MOVED_TO = "36.04.09.2005"


def village(code: str) -> Village:
    return Village.objects.get(code=code)


def situation_drawn(html: str, code: str) -> str:
    """The situation the home page's drawing gives the village: its point's marker."""
    match = re.search(
        rf'<a href="/desa/{re.escape(code)}/" tabindex="-1"><title>([^<]*)</title><use href="#cv-s-(\w+)"',
        html,
    )
    assert match, f"no point for {code}"
    return match.group(2)


@pytest.fixture
def places():
    """One village in each situation, and a flagship whose product was moved to another village
    behind the services' back (a bulk update): neither village may show it as a flagship."""
    flagship = DesignationFactory(approved=True, product=ProductFactory(name="Gerabah Bumijaya"))
    proposal = DesignationFactory(
        product=ProductFactory(name="Rahasia Usulan", village=village(PROPOSED_VILLAGE), status="draft")
    )
    ProductFactory(name="Keripik Emping", village=village(PRODUCTS_VILLAGE))
    ProductFactory(name="Draf Saja", village=village(DRAFT_ONLY_VILLAGE), status="draft")
    moved = DesignationFactory(
        approved=True, product=ProductFactory(name="Golok Pindah", village=village(MOVED_FROM))
    )
    Product.objects.filter(pk=moved.product_id).update(village=MOVED_TO)
    return {"flagship": flagship, "proposal": proposal, "moved": moved}


def test_every_kind_of_village_gets_its_own_colour_and_shape_on_the_home_drawing(client, places):
    html = client.get(reverse("catalogue:home")).content.decode()
    assert situation_drawn(html, BUMIJAYA) == "flagship"
    assert situation_drawn(html, PROPOSED_VILLAGE) == "proposed"
    assert situation_drawn(html, PRODUCTS_VILLAGE) == "products"
    assert situation_drawn(html, DRAFT_ONLY_VILLAGE) == "none"  # a draft is not a product to the public
    assert situation_drawn(html, MOVED_FROM) == "none"  # its flagship left the village
    assert situation_drawn(html, MOVED_TO) == "products"  # a product here, but designated elsewhere
    assert 'class="cv-flagship"' in html and 'class="cv-proposed"' in html
    # The legend names each shape, so that the colour is not the only difference.
    for shape in ["belah ketupat", "segitiga", "lingkaran", "lingkaran kosong"]:
        assert f"({shape})" in html


def test_a_proposal_is_only_said_to_be_proposed_never_what_or_by_whom(client, places):
    html = client.get(reverse("catalogue:home")).content.decode()
    assert "Rahasia Usulan" not in html
    assert places["proposal"].proposed_by.username not in html
    assert re.search(rf'/desa/{PROPOSED_VILLAGE}/" tabindex="-1"><title>Desa [^<:]+: Diusulkan</title>', html)


def test_the_coverage_table_sums_to_the_villages_of_the_regency(client, places):
    response = client.get(reverse("catalogue:home"))
    rows = response.context["coverage_map"].rows
    totals = response.context["coverage_totals"]
    assert len(rows) == 29
    assert sum(row.villages for row in rows) == totals["villages"] == 326
    for row in rows:
        assert row.villages == sum(row.counts.values())
    ciruas = next(row for row in rows if row.code == "36.04.09")
    assert ciruas.counts == {"flagship": 1, "proposed": 1, "products": 2, "none": 11}
    assert totals["flagship"] == response.context["flagship_count"] == 1
    assert totals["desa"] + totals["kelurahan"] == 326
    html = response.content.decode()
    assert f'<a href="{reverse("catalogue:district_detail", args=["36.04.09"])}">Ciruas</a>' in html
    assert "<tfoot>" in html


def test_a_national_home_draws_one_point_per_province_and_no_village(client, places, settings):
    call_command("load_regions", "19.05", stdout=StringIO())
    settings.OVOP_AREA_CODE = "ID"
    response = client.get(reverse("catalogue:home"))
    drawing = response.context["coverage_map"]
    assert drawing.level == "province"
    assert sorted(row.name for row in drawing.rows) == ["Banten", "Kepulauan Bangka Belitung"]
    assert len(drawing.points) == 2
    banten = next(row for row in drawing.rows if row.code == "36")
    assert banten.villages == 326 and banten.counts["flagship"] == 1
    html = response.content.decode()
    assert 'tabindex="-1"><title>Desa' not in html  # no village is drawn
    assert 'class="cv-area cv-band-' in html
    assert f'href="{reverse("villages:district_list")}?q=36"' in html


def test_a_province_home_draws_one_point_per_regency(client, places, settings):
    settings.OVOP_AREA_CODE = "36"
    drawing = client.get(reverse("catalogue:home")).context["coverage_map"]
    assert drawing.level == "regency"
    assert [(row.name, row.villages) for row in drawing.rows] == [("Kabupaten Serang", 326)]
    assert len(drawing.points) == 1


def more_places(n: int) -> None:
    """More villages in every situation, each product with a flagship, a proposal or alone."""
    villages = list(Village.objects.filter(district_id="36.04.05").order_by("code")[: 3 * n])
    for index, place in enumerate(villages):
        product = ProductFactory(name=f"Produk {place.name} {index}", village=place)
        if index % 3 == 0:
            DesignationFactory(approved=True, product=product)
        elif index % 3 == 1:
            DesignationFactory(product=product)


@pytest.mark.parametrize("extra", [0, 4])
def test_the_home_page_runs_a_fixed_number_of_queries(client, places, extra, django_assert_num_queries):
    more_places(extra)
    story_author = UserFactory()
    SuccessStory.objects.create(
        product=places["flagship"].product,
        title="Dari desa ke kota",
        what_worked="Kemasan",
        status="published",
        written_by=story_author,
    )
    with django_assert_num_queries(7):
        # 1 every village with its public situation (drawing, table, counts), 2 the newest flagships,
        # 3 published success stories, 4 categories with product counts, 5 featured flagships,
        # 6 their cover photos, 7 the served regency
        client.get(reverse("catalogue:home"))


@pytest.mark.parametrize("extra", [0, 4])
def test_a_national_home_runs_a_fixed_number_of_queries(
    client, places, extra, settings, django_assert_num_queries
):
    settings.OVOP_AREA_CODE = "ID"
    more_places(extra)
    summary.refresh()  # the village summaries counted ahead, as the scheduled task does
    with django_assert_num_queries(8):
        # 1 the summaries' state (current: nothing to count; it holds the coverage per province and
        # situation, and the categories' counts), 2 the provinces' names, 3 the regency of the
        # portal's profile (the site's identity; the country itself needs no query), 4 newest
        # flagships, 5 stories, 6 featured flagships, 7 their covers, 8 categories
        client.get(reverse("catalogue:home"))


@pytest.mark.parametrize("extra", [0, 4])
def test_the_kecamatan_and_village_lists_run_a_fixed_number_of_queries(
    client, places, extra, django_assert_num_queries
):
    more_places(extra)
    with django_assert_num_queries(3):
        # 1 the served regency, 2 the page's kecamatan codes with the total (a window count), 3 those
        # kecamatan with their figures (subqueries computed for the page's rows only)
        client.get(reverse("villages:district_list"))
    with django_assert_num_queries(3):
        # 1 the served regency, 2 count, 3 the villages with kecamatan, flagship and product count
        client.get(reverse("villages:village_list"), {"produk": "1"})


def test_the_newest_flagships_come_first_by_their_approval(client, places):
    newer = DesignationFactory(
        approved=True, product=ProductFactory(name="Emping Kramatwatu", village=village(KRAMATWATU_VILLAGE))
    )
    Designation.objects.filter(pk=places["flagship"].pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=30)
    )
    Designation.objects.filter(pk=newer.pk).update(decided_at=timezone.now())
    response = client.get(reverse("catalogue:home"))
    assert [d.product.name for d in response.context["newest"]] == ["Emping Kramatwatu", "Gerabah Bumijaya"]
    html = response.content.decode()
    assert html.index("Emping Kramatwatu") < html.index("Gerabah Bumijaya")
    assert "Golok Pindah" not in [d.product.name for d in response.context["newest"]]


def test_the_home_shows_published_stories_of_public_flagships_only(client, places):
    author = UserFactory()
    SuccessStory.objects.create(
        product=places["flagship"].product,
        title="Gerabah sampai Jakarta",
        what_worked="Pameran",
        status="published",
        written_by=author,
    )
    SuccessStory.objects.create(
        product=places["moved"].product,
        title="Kisah yang tidak boleh tampil",
        what_worked="x",
        status="published",
        written_by=author,
    )
    html = client.get(reverse("catalogue:home")).content.decode()
    assert "Gerabah sampai Jakarta" in html
    assert "Kisah yang tidak boleh tampil" not in html
    assert author.username not in html


def test_the_home_lists_categories_with_their_counts_in_english(client, places, settings):
    Category.objects.filter(slug="kerajinan").update(name_en="Handicrafts")
    with translation.override("en"):
        url = reverse("catalogue:home")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    html = response.content.decode()
    crafts = next(c for c in response.context["categories"] if c.slug == "kerajinan")
    assert crafts.product_count == 3  # Gerabah, Keripik and the moved Golok; never the drafts
    assert re.search(r">\s*Handicrafts <span class=\"badge[^>]*>3 ", html)


def test_the_kecamatan_list_shows_villages_with_products_flagships_and_coverage(client, places):
    response = client.get(reverse("villages:district_list"), {"q": "36.04.09"})
    (ciruas,) = response.context["page_obj"]
    assert ciruas.village_count == 15
    assert ciruas.product_village_count == 3  # Bumijaya, the products village and the moved product's
    assert ciruas.flagship_count == 1
    assert round(ciruas.coverage, 1) == 6.7
    assert "6,7%" in response.content.decode()


def test_the_village_list_names_flagships_counts_products_and_filters_to_those_with_products(client, places):
    everything = client.get(reverse("villages:village_list"), {"q": "36.04.09"})
    assert everything.context["page_obj"].paginator.count == 15
    html = everything.content.decode()
    assert f'href="{places["flagship"].product.get_public_url()}">Gerabah Bumijaya</a>' in html
    assert "1 produk</a>" in html
    with_products = client.get(reverse("villages:village_list"), {"q": "36.04.09", "produk": "1"})
    assert sorted(v.code for v in with_products.context["page_obj"]) == sorted(
        [BUMIJAYA, PRODUCTS_VILLAGE, MOVED_TO]
    )
    assert 'id="only-products" checked' in with_products.content.decode()
    # Anything but "1" is no filter, never an error.
    assert client.get(reverse("villages:village_list"), {"produk": "<x>"}).status_code == 200


def test_the_map_page_shows_villages_with_products_and_proposals_not_only_flagships(client, places):
    html = client.get(reverse("catalogue:map")).content.decode()
    assert "Keripik Emping" not in html  # a village with products is named, its products counted
    assert "diusulkan menjadi produk unggulan" in html
    assert "Rahasia Usulan" not in html
    assert 'class="cv-place-products' in html and 'class="cv-place-flagship' in html
    # The list says each place's situation (its markers are read from it, static/js/map.js)...
    assert re.search(
        rf'<li class="cv-place-products" data-ll="[^"]+"><a href="/desa/{PRODUCTS_VILLAGE}/">', html
    )
    # ...and the drawing above it is the home page's, its points bare.
    home = client.get(reverse("catalogue:home")).content.decode()
    drawn = re.findall(r'<use href="#cv-s-(\w+)"', html.split('<svg class="cv-map')[1].split("</svg>")[0])
    assert drawn == re.findall(
        r'<use href="#cv-s-(\w+)"', home.split('<svg class="cv-map')[1].split("</svg>")[0]
    )
    assert situation_drawn(home, PRODUCTS_VILLAGE) == "products"


def test_the_situation_rule_matches_the_drawing(places):
    situations = dict(
        Village.objects.filter(district_id="36.04.09")
        .annotate(s=coverage.public_situation())
        .values_list("code", "s")
    )
    assert situations[BUMIJAYA] == coverage.FLAGSHIP
    assert situations[PROPOSED_VILLAGE] == coverage.PROPOSED
    assert situations[MOVED_FROM] == coverage.NONE


def test_the_home_and_lists_stay_under_200_kb_for_a_whole_country(
    client,
    national,  # noqa: F811 (the fixture imported above)
    django_assert_num_queries,
):
    """Thousands of villages and products (tests/portal/test_page_weight.py): the home draws provinces,
    the lists page, and none of them grows past 200 KB."""
    summary.refresh()
    # As a national home above, with no flagship: none featured or newest when the summaries were
    # counted (no query for them, nor for covers).
    with django_assert_num_queries(5):
        home = client.get(reverse("catalogue:home"))
    assert len(home.content) < 200_000
    drawing = home.context["coverage_map"]
    assert [row.name for row in drawing.rows] == ["Banten", "Provinsi Uji"]
    assert len(drawing.points) == 1 and drawing.unlocated == 1  # the test province has no coordinates
    assert "1 wilayah tanpa koordinat tidak digambar" in home.content.decode()
    for name in ["villages:district_list", "villages:village_list", "catalogue:map"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert len(response.content) < 200_000, name
    grouped = client.get(reverse("villages:district_list"), {"q": "92.01"})
    assert "Kabupaten Uji 1" in grouped.content.decode()


# The drawing's points as _coverage_map.html wrote them with a template loop, before coverage.Coverage
# wrote them in one pass (issue 19): the reference the one pass must match.
LOOP = Template(
    "{% load l10n %}{% localize off %}{% if unlinked %}{% for p in points %}"
    '<use href="#cv-s-{{ p.situation }}" class="cv-{{ p.situation }}" x="{{ p.x }}" y="{{ p.y }}"/>'
    "{% endfor %}{% else %}{% for p in points %}"
    '<a href="{{ p.url }}" tabindex="-1"><title>{{ p.title }}</title><use href="#cv-s-{{ p.situation }}" '
    'class="cv-{{ p.situation }}" x="{{ p.x }}" y="{{ p.y }}"/></a>{% endfor %}{% endif %}{% endlocalize %}'
)


def test_the_drawings_points_are_written_as_the_template_loop_wrote_them():
    drawing = coverage.area_coverage()
    drawing.points.append(coverage.Point(12.3, 400.0, "none", 'Desa "A&B" <uji>', "/desa/x/?a=1&b=2"))
    assert len(drawing.points) > 300
    for unlinked, marks in ((False, drawing.linked_marks), (True, drawing.bare_marks)):
        assert marks == LOOP.render(Context({"points": drawing.points, "unlinked": unlinked}))
    assert "Desa &quot;A&amp;B&quot; &lt;uji&gt;" in drawing.linked_marks
