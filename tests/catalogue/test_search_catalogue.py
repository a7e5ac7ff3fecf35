"""The catalogue's search as a buyer meets it: synonyms kept in the admin, corrected words, "did you
mean", clean addresses, filter labels, English category names, and a fixed number of queries."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from products.models import Category, Product, SearchSynonym
from products.search import similarity, trigrams
from tests.factories import KRAMATWATU_VILLAGE, ProducerFactory, ProductFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

URL = "/produk/"


@pytest.fixture
def gerabah():
    product = ProductFactory(name="Gerabah Bumijaya", story="Kendi, pot dan celengan tanah liat.")
    product.producers.add(ProducerFactory(business_name="Sentra Gerabah Bumijaya"))
    return product


@pytest.fixture
def emping():
    return ProductFactory(
        name="Emping Melinjo",
        village=Village.objects.get(code=KRAMATWATU_VILLAGE),
        category=Category.objects.get(slug="makanan-olahan"),
    )


def names(response) -> list[str]:
    return [product.name for product in response.context["page_obj"]]


def test_trigram_similarity_is_computed_as_pg_trgm_does():
    assert similarity(trigrams("bumijya"), trigrams("bumijaya")) == pytest.approx(6 / 11)
    assert similarity(trigrams("kopi"), trigrams("kopi")) == 1.0
    assert similarity(trigrams("zzz"), trigrams("kopi")) == 0.0


def test_a_misspelled_word_is_corrected_and_the_page_says_what_it_searched(client, gerabah, emping):
    response = client.get(URL, {"q": "Bumijya"})
    assert names(response) == ["Gerabah Bumijaya"]
    assert "Menampilkan hasil untuk <strong>bumijaya</strong>" in response.content.decode()


def test_a_word_found_as_typed_shows_no_correction(client, gerabah, emping):
    response = client.get(URL, {"q": "gerabah"})
    assert names(response) == ["Gerabah Bumijaya"]
    assert "Menampilkan hasil untuk" not in response.content.decode()


def test_a_synonym_finds_the_product_and_says_which_word_found_it(client, gerabah, emping):
    response = client.get(URL, {"q": "pottery"})
    assert names(response) == ["Gerabah Bumijaya"]
    assert "Menampilkan hasil untuk <strong>gerabah</strong>" in response.content.decode()
    assert names(client.get(URL, {"q": "melinjo"})) == ["Emping Melinjo"]


def test_english_category_names_are_searched_and_the_command_adds_them_to_older_rows(client, gerabah, emping):
    assert names(client.get(URL, {"q": "processed food"})) == ["Emping Melinjo"]
    # rows written before migration 0016 named the categories in English: the command catches them up
    Product.objects.filter(pk=gerabah.pk).update(search_text="gerabah bumijaya")
    assert names(client.get(URL, {"q": "crafts"})) == []
    call_command("search_refresh", stdout=io.StringIO())
    assert "crafts, decoration & souvenirs" in Product.objects.get(pk=gerabah.pk).search_text
    assert names(client.get(URL, {"q": "crafts"})) == ["Gerabah Bumijaya"]


def test_did_you_mean_offers_a_query_that_finds_products(client, gerabah, emping):
    response = client.get(URL, {"q": "telor", "kecamatan": "36.04.09"})
    ProductFactory(name="Telur Asin")  # after the page: the suggestion is tried against the data
    assert names(response) == []
    html = response.content.decode()
    assert "Belum ada produk yang cocok" in html and "Mungkin maksud Anda:" not in html
    response = client.get(URL, {"q": "gerabah emping"})  # each word finds a product, none both
    html = response.content.decode()
    assert names(response) == []
    assert 'Mungkin maksud Anda: <a href="?q=gerabah">gerabah</a>' in html


def test_did_you_mean_loosens_a_word_too_far_from_any_to_be_corrected(client, gerabah):
    ProductFactory(name="Telur Asin Kamurang")
    response = client.get(URL, {"q": "telor", "urut": "nama"})
    assert names(response) == []
    assert 'Mungkin maksud Anda: <a href="?q=telur&amp;urut=nama">telur</a>' in response.content.decode()
    assert names(client.get(URL, {"q": "telur", "urut": "nama"})) == ["Telur Asin Kamurang"]


def test_nonsense_finds_nothing_and_offers_nothing(client, gerabah):
    html = client.get(URL, {"q": "zzqx"}).content.decode()
    assert "Belum ada produk yang cocok" in html and "Mungkin maksud Anda" not in html


def test_a_synonym_added_in_the_admin_applies_to_the_next_search(client, admin_client, gerabah):
    assert names(client.get(URL, {"q": "piggy bank"})) == []  # the synonym table is now cached
    add = reverse("admin:products_searchsynonym_add")
    response = admin_client.post(add, {"words": "Celengan,  piggy bank", "note": ""})
    assert response.status_code == 302
    assert SearchSynonym.objects.filter(words="celengan, piggy bank").exists()  # normalised by clean()
    assert names(client.get(URL, {"q": "piggy bank"})) == ["Gerabah Bumijaya"]
    SearchSynonym.objects.get(words="celengan, piggy bank").delete()
    assert names(client.get(URL, {"q": "piggy bank", "urut": "nama"})) == []


def test_the_synonym_admin_searches_and_refuses_a_single_word(admin_client):
    changelist = reverse("admin:products_searchsynonym_changelist")
    response = admin_client.get(changelist, {"q": "tembikar"})
    assert response.status_code == 200 and "gerabah, tembikar, pottery" in response.content.decode()
    count = SearchSynonym.objects.count()
    response = admin_client.post(reverse("admin:products_searchsynonym_add"), {"words": "kendi", "note": ""})
    assert response.status_code == 200
    assert "Tulis paling sedikit dua kata, dipisah koma." in response.content.decode()
    assert SearchSynonym.objects.count() == count


@pytest.mark.parametrize(
    "query, clean",
    [
        ("?q=&kecamatan=36.04.09&page=", "?kecamatan=36.04.09"),
        ("?urut=nama&q=&kategori=kerajinan", "?kategori=kerajinan&urut=nama"),
        ("?q=&kecamatan=", ""),
        ("?page=2&q=kendi&bintang=", "?q=kendi&page=2"),
    ],
)
def test_empty_parameters_redirect_to_the_clean_address(client, gerabah, query, clean):
    response = client.get(URL + query)
    assert response.status_code == 302 and response["Location"] == URL + clean
    assert "X-Cache" not in response  # before the page cache: never stored


def test_clean_addresses_and_htmx_requests_are_not_redirected(client, gerabah):
    assert client.get(URL, {"kecamatan": "36.04.09"}).status_code == 200
    fragment = client.get(URL + "?q=&kecamatan=36.04.09", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'id="results-body"' in fragment.content.decode()
    category = reverse("catalogue:category", args=["kerajinan"])
    assert client.get(category + "?q=&jenis=").headers["Location"] == category


def test_the_filter_form_drops_empty_fields_with_a_deferred_script(client, gerabah):
    html = client.get(URL).content.decode()
    assert 'id="catalogue-filters" method="get" action="/produk/" role="search" data-drop-empty' in html
    assert '<script src="/static/js/catalogue-filters.js" defer></script>' in html


def test_the_stars_filter_reads_as_a_minimum_and_five_stars_stands_alone(client, gerabah):
    html = client.get(URL).content.decode()
    for label in ["5 bintang", "Minimal 4 bintang", "Minimal 1 bintang"]:
        assert f">{label}</option>" in html
    assert "ke atas" not in html
    chips = client.get(URL, {"bintang": "4"}).context["active_filters"]
    assert [(chip["label"], chip["value"]) for chip in chips] == [("Bintang", "Minimal 4 bintang")]


def test_english_pages_show_english_category_names_in_choices_chips_and_cards(client, gerabah):
    client.get(reverse("catalogue:choose_language", args=["en"]))
    with translation.override("en"):
        url = reverse("catalogue:list")
    response = client.get(url, {"kategori": "kerajinan"}, follow=True)
    html = response.content.decode()
    assert '<option value="kerajinan" selected>Crafts, decoration &amp; souvenirs</option>' in html
    assert [chip["value"] for chip in response.context["active_filters"]] == [
        "Crafts, decoration & souvenirs"
    ]
    assert html.count("Crafts, decoration &amp; souvenirs") >= 3  # choice, chip, card
    indonesian = client.get(reverse("catalogue:choose_language", args=["id"]), follow=True)
    assert indonesian.status_code == 200


@pytest.mark.parametrize("extra", [0, 6])
def test_a_search_with_synonyms_and_a_typo_runs_a_fixed_number_of_queries(
    client, gerabah, extra, django_assert_num_queries
):
    for n in range(extra):
        ProductFactory(name=f"Tembikar Hias {n}").producers.add(ProducerFactory())
    with django_assert_num_queries(8):
        # cold caches: 1 the synonym table, 2 the vocabulary of the public products; then
        # 3 the page's keys with the total (one window count: the search runs once), 4 those
        # products, 5 their covers, 6 kecamatan and 7 categories for the filters, 8 the served regency
        response = client.get(URL, {"q": "pottery bumijya"})
    assert names(response)[0] == "Gerabah Bumijaya"
    with django_assert_num_queries(6):
        # warm caches, another page address: the six of any catalogue page, no more
        client.get(URL, {"q": "pottery bumijya", "urut": "nama"})
    with django_assert_num_queries(3):
        # the htmx fragment, warm: 1 keys with the total, 2 products, 3 covers
        client.get(URL, {"q": "tembikar bumijya"}, headers={"HX-Request": "true"})
