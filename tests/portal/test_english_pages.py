"""Every public page in English (its /en/ address) shows no Indonesian apart from proper names and
what the producers and the Dinas wrote themselves (product, village, district and producer names,
stories, programme names): the interface, the category names and the labels of choices are English.

A failure lists each Indonesian word left with its page and the text around it: the message to
translate (locale/en/LC_MESSAGES/django.po) or the string still missing its gettext."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from products.models import Category, LegalityDocument, Product
from tests.factories import (
    BUMIJAYA,
    CIRUAS,
    DesignationFactory,
    LegalityDocumentFactory,
    ProducerFactory,
    ProductFactory,
)
from villages.models import District, Village

pytestmark = pytest.mark.django_db

# Words of the Indonesian interface that English never uses. Not in the list: words English shares
# (batik, data, label, portal, program, status, halal, total) and the region words (kabupaten,
# kecamatan, desa, kelurahan, provinsi), which are checked apart: allowed only in a region's name.
INDONESIAN_WORDS = frozenset(
    """
    ada adalah akan anda atas atau bagi bahasa baru bantuan barang beli belum berikutnya berlaku
    berdasarkan bersama biasa bintang buka bulan cari cetak daftar dalam dan dapat dari dengan
    di dibuat diperbarui ditemukan dua harga hari hasil hingga hubungi ini isi itu jenis jumlah juga
    kabar kain kami kategori ke keluar kembali kemasan kerajinan kode kontak kosong kota kuliner
    lainnya langsung lebih lihat lokasi makanan masuk mentah minuman mulai nama olahan oleh
    pada pelaku pemasaran pencarian peta petugas pilih produk produsen profil program sampai
    satu saat sebelumnya sedang selengkapnya semua sertifikat setiap situs sudah tahun tampilkan
    tanpa tentang terbaru terbit tersedia tidak unggulan untuk urutkan usaha verifikasi wilayah
    yang
    """.split()  # noqa: SIM905 (a list people can read and extend)
)
REGION_WORDS = frozenset({"kabupaten", "kota", "kecamatan", "desa", "kelurahan", "provinsi"})
# Proper terms kept in English pages: the programme's and the law's own names, the region data's source.
PROPER_TERMS = (
    "cahyadsn/wilayah",
    "OVOP",
    "UMKM",
    "Satu Desa Satu Produk",
    "P-IRT",
    "SPP-IRT",
    "PIRT",
    "BPOM",
    "NIB",
)

SKIPPED_ELEMENTS = {"script", "style", "template", "svg"}
VISIBLE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class VisibleText(HTMLParser):
    """The text a visitor reads or hears: text nodes, the title, the description, alt/title/aria-label/
    placeholder; never scripts, and never what is marked as another language (lang="id")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden: skipped or in another language)

    def hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = bool(attrs.get("lang")) and not attrs["lang"].startswith("en")
        hidden = tag in SKIPPED_ELEMENTS or other_language
        if not hidden and not self.hidden():
            self.parts.extend(attrs[name] for name in VISIBLE_ATTRIBUTES if attrs.get(name))
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content") or "")
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.parts.append(attrs.get("value") or "")
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden() and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " \n ".join(" ".join(part.split()) for part in parser.parts)


def strip_data(text: str, values: list[str]) -> str:
    """The text without the region names with their kind ("Kecamatan Ciruas"), the data values and
    the proper terms: what is left is the interface."""
    regions = sorted({value for value in values if value}, key=len, reverse=True)
    for value in regions:
        text = re.sub(
            r"\b(?:Kabupaten|Kota|Kecamatan|Desa|Kelurahan|Provinsi)\s+" + re.escape(value),
            " ",
            text,
            flags=re.IGNORECASE,
        )
    for value in [*regions, *PROPER_TERMS]:
        text = re.sub(r"(?<!\w)" + re.escape(value) + r"(?!\w)", " ", text, flags=re.IGNORECASE)
    return text


def indonesian_left(text: str) -> list[tuple[str, str]]:
    """(word, the text around it) for every Indonesian interface word left in `text`."""
    found = []
    for match in re.finditer(r"[A-Za-z]+", text):
        word = match.group().lower()
        if word in INDONESIAN_WORDS or word in REGION_WORDS:
            context = " ".join(text[max(0, match.start() - 50) : match.end() + 50].split())
            found.append((match.group(), context))
    return found


@pytest.fixture
def demo_like():
    """A flagship with a consenting producer, a story, a halal certificate and a decree, in Desa
    Bumijaya; a second product of another category; what the demo data holds."""
    producer = ProducerFactory(business_name="Sentra Gerabah Bumijaya", contact_consent=True)
    product = ProductFactory(
        name="Gerabah Bumijaya",
        story="Kendi dan pot dibentuk dengan tangan oleh para perajin desa.",
        price_min=15000,
        price_max=45000,
    )
    product.producers.add(producer)
    LegalityDocumentFactory(
        product=product,
        kind=LegalityDocument.Kind.HALAL,
        number="ID3611000001",
    )
    designation = DesignationFactory(product=product, approved=True)
    food = Category.objects.exclude(pk=product.category_id).order_by("position").first()
    ProductFactory(name="Emping Melinjo Ciruas", category=food, story="Renyah dan gurih.")
    return {"product": product, "producer": producer, "designation": designation, "category": food}


def english_pages(data) -> list[str]:
    product, designation = data["product"], data["designation"]
    with translation.override("en"):
        pages = [
            reverse("catalogue:home"),
            reverse("catalogue:list"),
            reverse("catalogue:list") + "?q=gerabah",
            reverse("catalogue:list") + "?q=xyzzy",
            reverse("catalogue:product", args=[product.slug]),
            reverse("catalogue:producer", args=[data["producer"].public_slug]),
            reverse("catalogue:category", args=[product.category.slug]),
            reverse("catalogue:category", args=[data["category"].slug]),
            reverse("catalogue:map"),
            reverse("villages:district_list"),
            reverse("villages:village_list"),
            reverse("catalogue:district_detail", args=[CIRUAS]),
            reverse("catalogue:village_detail", args=[BUMIJAYA]),
            reverse("catalogue:verify", args=[designation.verification_code]),
            reverse("catalogue:verify", args=["00000000-0000-0000-0000-000000000000"]),
            reverse("regency:about"),
            reverse("regency:privacy"),
        ]
    assert all(page.startswith("/en/") for page in pages)
    return pages


def data_values(data) -> list[str]:
    """What the Dinas and the producers wrote, and the official region names: shown as they are."""
    values = [
        *Village.objects.values_list("name", flat=True),
        *District.objects.values_list("name", flat=True),
    ]
    values += ["Serang", "Banten"]  # the served regency and its province
    for product in Product.objects.all():
        values += [product.name, product.story]
    values += [data["producer"].business_name, data["designation"].decree_number]
    return values


def test_every_public_page_in_english_shows_no_indonesian_interface(client, demo_like):
    values = data_values(demo_like)
    problems = []
    for page in english_pages(demo_like):
        response = client.get(page)
        assert response.status_code in (200, 404), page  # an unknown certificate answers 404
        html = response.content.decode()
        assert '<html lang="en">' in html, page
        for word, context in indonesian_left(strip_data(visible_text(html), values)):
            problems.append(f"{page}: {word!r} in “{context}”")
    assert not problems, "Indonesian left in English pages:\n" + "\n".join(problems)


def test_the_check_finds_indonesian_and_spares_names_and_region_names():
    values = ["Bumijaya", "Ciruas", "Gerabah Bumijaya"]
    page = (
        "<html lang='en'><head><title>Gerabah Bumijaya · OVOP</title><script>var produk;</script></head>"
        "<body><h1>Desa Bumijaya</h1><p>Kecamatan Ciruas</p><img alt='Lihat produk' src='x.png'>"
        "<a lang='id' href='/'>Bahasa Indonesia</a><p>Flagship of the village</p></body></html>"
    )
    left = indonesian_left(strip_data(visible_text(page), values))
    assert [word for word, _context in left] == ["Lihat", "produk"]
    assert indonesian_left(strip_data(visible_text("<p>Kecamatan list</p>"), values)) == [
        ("Kecamatan", "Kecamatan list")
    ]
