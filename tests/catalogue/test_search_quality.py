"""Search as buyers type it: misspellings, local and old names, English words, places and producers.

The products are a fixed set of forty, the kinds a regency's catalogue holds, in real villages of
Kabupaten Serang; each query names the product a buyer expects first. The same list runs on SQLite
and on PostgreSQL and must hit every time; the hit rate is printed."""

import time

import pytest
from django.db import transaction
from django.urls import reverse

from products.models import Category, Producer, Product
from villages.models import Village

# (name, village code, category slug, producer, story)
PRODUCTS = [
    ("Gerabah Bumijaya", "36.04.09.2009", "kerajinan", "Sentra Gerabah Bumijaya",
     "Kendi, pot dan celengan tanah liat dibentuk dengan tangan."),
    ("Batik Khas Serang", "36.04.09.2004", "fesyen-tekstil", "Rumah Batik Kadikaran",
     "Batik tulis dan batik cap bermotif Debus dan Pancer."),
    ("Golok Sulangkar", "36.04.07.2007", "kerajinan", "Pandai Besi Abah Jaya",
     "Golok tempa dengan sarung kayu."),
    ("Emping Melinjo Pontang", "36.04.12.2002", "makanan-olahan", "KUB Emping Sukanegara",
     "Emping dari biji melinjo pilihan, ditumbuk tipis."),
    ("Kerupuk Ikan Tirtayasa", "36.04.13.2003", "makanan-olahan", "UD Laut Kemanisan",
     "Kerupuk dari ikan tenggiri segar."),
    ("Pempek Udang Anyar", "36.04.30.2003", "makanan-olahan", "Dapur Ibu Rohmah",
     "Pempek dari udang laut Selat Sunda, dengan cuko pedas."),
    ("Kopi Robusta Padarincang", "36.04.29.2008", "minuman", "Kelompok Tani Kopi Batu Kuwung",
     "Kopi petik merah dari lereng gunung."),
    ("Madu Hutan Cinangka", "36.04.31.2003", "makanan-olahan", "Peternak Lebah Pasauran",
     "Madu dari lebah hutan."),
    ("Lada Putih Mentok", "36.04.05.2002", "pertanian-perikanan", "Toko Rempah Margasana",
     "Lada putih asli Mentok, Bangka Barat, dijual kiloan."),
    ("Kain Tenun Tirtayasa", "36.04.13.2006", "fesyen-tekstil", "Penenun Sujung",
     "Kain tenun ikat dari benang katun."),
    ("Anyaman Bambu Ciomas", "36.04.27.2007", "kerajinan", "Perajin Bambu Sukadana",
     "Bakul, tampah dan besek dianyam dari bambu tali."),
    ("Keripik Pisang Baros", "36.04.22.2006", "makanan-olahan", "UMKM Barokah Tamansari",
     "Keripik pisang tanduk rasa manis."),
    ("Sambal Bawang Cikande", "36.04.15.2004", "makanan-olahan", "Dapur Sambal Parigi",
     "Sambal bawang dan sambal cumi dalam botol."),
    ("Terasi Udang Bojonegara", "36.04.07.2001", "makanan-olahan", "Nelayan Bojonegara",
     "Terasi dari udang rebon dijemur di pantai."),
    ("Ikan Asin Pangarengan", "36.04.07.2010", "pertanian-perikanan", "Juragan Ikan Pangarengan",
     "Ikan teri dan jambal dijemur."),
    ("Otak-otak Bandeng Kramatwatu", "36.04.05.2007", "makanan-olahan", "Otak-otak Bu Enah",
     "Otak-otak dari bandeng tanpa duri."),
    ("Sate Bandeng Pejaten", "36.04.05.2003", "makanan-olahan", "Sate Bandeng Pejaten",
     "Sate bandeng khas Serang, dibakar dengan bumbu."),
    ("Jamu Kunyit Asam Kepandean", "36.04.09.2005", "minuman", "Kelompok Jamu Kepandean",
     "Jamu kunyit asam dan beras kencur dalam botol."),
    ("Sabun Sereh Wangi Mancak", "36.04.32.2001", "herbal-kosmetik", "Griya Sabun Mancak",
     "Sabun batang dari minyak sereh wangi."),
    ("Minyak Atsiri Nilam Padarincang", "36.04.29.2002", "herbal-kosmetik", "Penyuling Nilam Bugel",
     "Minyak nilam hasil penyulingan uap."),
    ("Kue Gipang Ciruas", "36.04.09.2001", "makanan-olahan", "Toko Kue Ciruas",
     "Gipang dari beras ketan dan gula merah, kue khas lebaran."),
    ("Kursi Rotan Tanara", "36.04.14.2001", "kerajinan", "Mebel Rotan Tanara",
     "Kursi dan meja dari rotan dianyam tangan."),
    ("Homestay Pantai Anyar", "36.04.30.2006", "jasa-wisata", "Pokdarwis Bunihara",
     "Penginapan di tepi pantai dengan sarapan ikan bakar."),
    ("Desa Wisata Cikolelet", "36.04.31.2009", "jasa-wisata", "Pokdarwis Cikolelet",
     "Wisata alam curug dan kebun durian."),
    ("Beras Organik Pontang", "36.04.12.2006", "pertanian-perikanan", "Gapoktan Kelapian",
     "Beras organik tanpa pestisida."),
    ("Kemplang Panggang Tanara", "36.04.14.2002", "makanan-olahan", "Kemplang Ibu Sari",
     "Kerupuk ikan dipanggang di atas bara."),
    ("Kopi Jahe Umbul Tanjung", "36.04.31.2006", "minuman", "Warung Kopi Umbul",
     "Kopi bubuk dicampur jahe merah."),
    ("Keripik Singkong Padasuka", "36.04.22.2012", "makanan-olahan", "Keripik Mak Icih Padasuka",
     "Keripik singkong pedas."),
    ("Tas Anyaman Pandan", "36.04.13.2012", "kerajinan", "Perajin Pandan Alang-alang",
     "Tas dan dompet dari daun pandan."),
    ("Sepatu Kulit Cikande", "36.04.15.2007", "fesyen-tekstil", "Bengkel Sepatu Julang",
     "Sepatu kulit sapi buatan tangan."),
    ("Dodol Durian Kadu Kempong", "36.04.29.2014", "makanan-olahan", "Dodol Bu Aminah",
     "Dodol dari durian dan ketan."),
    ("Abon Ikan Tongkol", "36.04.12.2013", "makanan-olahan", "Abon Pontang Jaya",
     "Abon ikan tongkol tanpa pengawet."),
    ("Bandeng Presto Singarajan", "36.04.12.2010", "makanan-olahan", "Presto Singarajan",
     "Bandeng duri lunak."),
    ("Gula Aren Cisaat", "36.04.29.2005", "pertanian-perikanan", "Penyadap Aren Cisaat",
     "Gula aren cetak dari nira."),
    ("Udang Windu Wargasara", "36.04.13.2009", "pertanian-perikanan", "Tambak Wargasara",
     "Udang windu dari tambak tradisional."),
    ("Ukiran Kayu Talaga", "36.04.32.2004", "kerajinan", "Sanggar Ukir Talaga",
     "Ukiran kayu jati untuk hiasan dinding."),
    ("Sirup Jahe Merah Citaman", "36.04.27.2010", "minuman", "Herbal Citaman",
     "Sirup jahe merah dan sereh."),
    ("Telur Asin Kamurang", "36.04.15.2010", "makanan-olahan", "Peternak Bebek Kamurang",
     "Telur bebek diasinkan dengan abu gosok."),
    ("Garam Krosok Karang Kepuh", "36.04.07.2004", "pertanian-perikanan", "Petambak Garam Karang Kepuh",
     "Garam krosok dari tambak pantai utara."),
    ("Keripik Tempe Pelawad", "36.04.09.2017", "makanan-olahan", "Tempe Kripik Pelawad",
     "Keripik tempe tipis renyah."),
]  # fmt: skip

# (what a buyer types, the product expected first)
QUERIES = [
    # misspellings
    ("grabah", "Gerabah Bumijaya"),
    ("bumijya", "Gerabah Bumijaya"),
    ("Bumijya", "Gerabah Bumijaya"),
    ("krupuk", "Kerupuk Ikan Tirtayasa"),
    ("emping melijo", "Emping Melinjo Pontang"),
    ("pempk udang", "Pempek Udang Anyar"),
    ("kripik pisang", "Keripik Pisang Baros"),
    ("sambel bawang", "Sambal Bawang Cikande"),
    ("padarincan", "Kopi Robusta Padarincang"),
    ("kemplank", "Kemplang Panggang Tanara"),
    # local, old and everyday names
    ("Muntok", "Lada Putih Mentok"),
    ("Mentok", "Lada Putih Mentok"),
    ("tembikar", "Gerabah Bumijaya"),
    ("keramik", "Gerabah Bumijaya"),
    ("merica", "Lada Putih Mentok"),
    ("parang", "Golok Sulangkar"),
    ("mpek-mpek", "Pempek Udang Anyar"),
    ("penginapan", "Homestay Pantai Anyar"),
    # English
    ("pottery", "Gerabah Bumijaya"),
    ("pepper", "Lada Putih Mentok"),
    ("white pepper", "Lada Putih Mentok"),
    ("coffee", "Kopi Jahe Umbul Tanjung"),
    ("crackers", "Kemplang Panggang Tanara"),
    ("woven cloth", "Kain Tenun Tirtayasa"),
    ("machete", "Golok Sulangkar"),
    ("honey", "Madu Hutan Cinangka"),
    ("tempe chips", "Keripik Tempe Pelawad"),
    ("shrimp paste", "Terasi Udang Bojonegara"),
    ("soap", "Sabun Sereh Wangi Mancak"),
    ("essential oil", "Minyak Atsiri Nilam Padarincang"),
    ("rattan", "Kursi Rotan Tanara"),
    ("dried fish", "Ikan Asin Pangarengan"),
    ("fish cake", "Otak-otak Bandeng Kramatwatu"),
    ("crafts", "Anyaman Bambu Ciomas"),
    # villages and kecamatan
    ("Sukadana", "Anyaman Bambu Ciomas"),
    ("Kemanisan", "Kerupuk Ikan Tirtayasa"),
    ("Tanara", "Kursi Rotan Tanara"),  # in Desa Tanara itself
    ("Cikolelet", "Desa Wisata Cikolelet"),
    ("Kramatwatu", "Otak-otak Bandeng Kramatwatu"),
    # producers
    ("Sentra Gerabah", "Gerabah Bumijaya"),
    ("Pandai Besi Abah Jaya", "Golok Sulangkar"),
    ("Mak Icih", "Keripik Singkong Padasuka"),
    # several words
    ("batik tulis", "Batik Khas Serang"),
    ("otak otak bandeng", "Otak-otak Bandeng Kramatwatu"),
    ("bandeng", "Sate Bandeng Pejaten"),  # named, made by and told of: most mentions
    ("telur asin", "Telur Asin Kamurang"),
    ("gula aren", "Gula Aren Cisaat"),
    ("kopi robusta", "Kopi Robusta Padarincang"),
    ("gerabah bumijaya", "Gerabah Bumijaya"),
    ("abon tongkol", "Abon Ikan Tongkol"),
    ("dodol durian", "Dodol Durian Kadu Kempong"),
]


@pytest.fixture(scope="module")
def forty_products(django_db_setup, django_db_blocker):
    """The forty products, built once for the module inside a transaction rolled back at its end."""
    started = time.perf_counter()
    with django_db_blocker.unblock(), transaction.atomic():
        categories = {category.slug: category for category in Category.objects.all()}
        villages = Village.objects.in_bulk([row[1] for row in PRODUCTS])
        for name, code, slug, producer_name, story in PRODUCTS:
            product = Product.objects.create(
                name=name,
                village=villages[code],
                category=categories[slug],
                story=story,
                status=Product.Status.PUBLISHED,
            )
            product.producers.add(
                Producer.objects.create(
                    business_name=producer_name, owner_name="Pemilik", village=villages[code]
                )
            )
        print(f"\n{len(PRODUCTS)} products built in {time.perf_counter() - started:.1f} s")
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_buyers_queries_find_the_product_they_mean_first(client, forty_products):
    assert len(QUERIES) >= 40
    misses = []
    for query, expected in QUERIES:
        page = client.get(reverse("catalogue:list"), {"q": query}).context["page_obj"]
        first = page.object_list[0].name if page.object_list else None
        if first != expected:
            misses.append((query, expected, first))
    hits = len(QUERIES) - len(misses)
    print(f"search hit rate: {hits}/{len(QUERIES)} ({hits / len(QUERIES):.0%})")
    for query, expected, first in misses:
        print(f"  {query!r}: expected {expected!r} first, got {first!r}")
    assert misses == []


@pytest.mark.django_db
def test_a_query_that_matches_nothing_finds_nothing(client, forty_products):
    for query in ["zzqx", "xylofon", "qwerty asdfg"]:
        page = client.get(reverse("catalogue:list"), {"q": query}).context["page_obj"]
        assert page.paginator.count == 0, query
