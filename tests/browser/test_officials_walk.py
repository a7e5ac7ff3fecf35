"""The officials' daily work without friction (issue 17, "Done when"), walked in a browser at a phone's
390 px and a desktop's 1366 px, each page checked with axe-core as it is reached:

1. a kecamatan officer registers a product together with a producer not yet registered, in one go;
2. proposes it as the village's flagship from the product's own page;
3. the Dinas records a delivery, choosing the village first, then a product of that village only;
4. the Dinas exports the product registry to Excel and imports the file back (preview, then import);
5. the Dinas prints the recap: letterhead, totals and signature block on paper, no navigation.

Each person signs in through the real sign-in form, in their own browser context; the forms' pickers
are driven by keyboard and mouse as a person would (static/js/picker.js).
"""

import re

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from assistance.models import Delivery, Programme
from products.models import Designation, Producer, Product
from regency.models import RegencyProfile
from tests.browser.support import DESKTOP, describe_violations, run_axe
from tests.browser.test_officials_accessibility import signed_in_state
from tests.factories import BUMIJAYA, KRAMATWATU_VILLAGE, ProductFactory

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
DESKTOP_1366 = {"width": 1366, "height": 768}
PRODUCT = "Gerabah Hias Bumijaya"
PRODUCER = "Kelompok Perajin Gerabah Sari"
BLOCKING = ("serious", "critical")


class Walk:
    """One person's browser context at one width; every page reached is checked with axe-core."""

    def __init__(self, pages, state: dict, viewport: dict):
        phone = viewport["width"] < DESKTOP["width"]
        extras = {"is_mobile": True, "has_touch": True} if phone else {}
        # axe is injected as an inline script, which the portal's CSP would refuse.
        self.page = pages.new(viewport=viewport, storage_state=state, bypass_csp=True, **extras)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.viewport = viewport

    def check(self, step: str) -> None:
        blocking = [v for v in run_axe(self.page) if v["impact"] in BLOCKING]
        assert not blocking, f"{step} at {self.viewport['width']} px:\n{describe_violations(blocking)}"
        assert not self.errors, f"{step}: script errors {self.errors}"

    def picker(self, label: str):
        """The search box static/js/picker.js puts over a <select> (which is a combobox too until the
        deferred script has run: waiting for the text box waits for the script)."""
        return self.page.get_by_role("combobox", name=re.compile(label)).and_(self.page.locator("input"))

    def choose(self, label: str, typed: str, option: str) -> None:
        """Type into a searchable picker and pick the option, as a person does."""
        box = self.picker(label)
        box.fill(typed)
        self.page.get_by_role("option", name=re.compile(option)).first.click()


@pytest.fixture
def walk_world(live, officer_a, dinas):
    RegencyProfile.objects.create(
        regency_name="Kabupaten Serang",
        agency_name="Dinas Koperasi, Usaha Kecil dan Menengah",
        signatory_name="Ahmad Contoh, S.E.",
        signatory_title="Kepala Dinas",
        signatory_nip="197001012000011001",
    )
    cache.clear()
    ProductFactory(name="Emping Melinjo Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    return Programme.objects.create(
        name="Kemasan Produk Unggulan",
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Dinas Koperasi dan UKM",
        status="running",
    )


def officer_registers_a_product_with_a_new_producer(walk: Walk) -> Product:
    page = walk.page
    page.goto(reverse("products:product_create"))
    expect(page.locator("h1")).to_have_text("Daftarkan produk")
    walk.check("the product form")
    page.get_by_label("Nama produk").fill(PRODUCT)
    walk.choose("Desa", "Bumijaya", "Bumijaya")
    page.get_by_label("Kategori").select_option(label="Kerajinan, dekorasi & suvenir")
    page.get_by_label("Status").select_option("published")
    page.get_by_text("Produsennya belum terdaftar? Daftarkan di sini").click()
    page.get_by_label("Nama usaha").fill(PRODUCER)
    page.get_by_label("Pemilik atau ketua kelompok").fill("Ibu Sari")
    page.get_by_label("Harga terendah (Rp)").fill("25.000")
    page.get_by_label("Harga tertinggi (Rp)").fill("150.000")
    walk.check("the product form, filled in")
    page.get_by_role("button", name="Simpan").click()

    expect(page.locator("h1")).to_contain_text(PRODUCT)
    expect(page.locator(".alert-success")).to_contain_text(f"Produk {PRODUCT} tersimpan.")
    expect(page.locator("main")).to_contain_text(PRODUCER)
    walk.check("the product page")
    product = Product.objects.get(name=PRODUCT)
    assert [p.business_name for p in product.producers.all()] == [PRODUCER]
    assert Producer.objects.get(business_name=PRODUCER).village_id == BUMIJAYA
    return product


def officer_proposes_it(walk: Walk, product: Product) -> None:
    page = walk.page
    page.get_by_role("link", name="Usulkan sebagai produk unggulan").click()
    expect(page.locator("h1")).to_have_text("Usulkan produk unggulan")
    expect(page.get_by_label("Produk yang diusulkan")).to_have_value(str(product.pk))
    walk.check("the proposal form")
    page.get_by_role("button", name="Kirim usulan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    walk.check("after proposing")
    proposal = Designation.objects.get(product=product)
    assert proposal.status == Designation.Status.PROPOSED


def dinas_records_a_delivery_choosing_the_village_first(walk: Walk, programme: Programme) -> None:
    page = walk.page
    page.goto(programme.get_absolute_url())
    walk.check("the programme page")
    page.get_by_role("link", name="Catat penyaluran").click()
    expect(page.locator("h1")).to_have_text("Catat penyaluran")
    walk.choose("Desa", "Bumijaya", "Bumijaya")
    product_box = walk.picker("Produk")
    product_box.fill("")
    product_box.press("ArrowDown")
    expect(page.get_by_role("option", name=re.compile(PRODUCT))).to_be_visible()
    # Narrowed to the chosen village: Kramatwatu's product is not offered.
    expect(page.get_by_role("option", name=re.compile("Emping Melinjo"))).to_have_count(0)
    walk.check("the delivery form with the product list open")
    page.get_by_role("option", name=re.compile(PRODUCT)).click()
    page.get_by_label("Nilai (Rp)").fill("2.500.000")
    page.get_by_label("Uraian").fill("Desain dan cetak label kemasan")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    walk.check("the programme page after the delivery")
    delivery = Delivery.objects.get()
    assert (delivery.village_id, delivery.product.name, delivery.value) == (BUMIJAYA, PRODUCT, 2_500_000)


def dinas_exports_the_registry_and_imports_it_back(walk: Walk, tmp_path) -> None:
    page = walk.page
    page.goto(reverse("products:product_list"))
    walk.check("the product list")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh Excel").click()
    saved = tmp_path / f"produk-{walk.viewport['width']}.xlsx"
    download.value.save_as(saved)
    # The Dinas corrects the highest price in the spreadsheet, as it would in Excel.
    workbook = openpyxl.load_workbook(saved)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    row = next(
        r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(r, headers.index("Nama produk") + 1).value == PRODUCT
    )
    sheet.cell(row, headers.index("Harga tertinggi (Rp)") + 1).value = 175000
    workbook.save(saved)

    page.goto(reverse("officials:import"))
    walk.check("the import page")
    page.get_by_label("Produk", exact=True).check()
    page.get_by_label("Berkas Excel (.xlsx) atau CSV").set_input_files(saved)
    page.get_by_role("button", name="Unggah dan lihat pratinjau").click()
    expect(page.locator("main")).to_contain_text("Rp\u00a0150.000 → Rp\u00a0175.000")
    walk.check("the import preview")
    page.get_by_role("button", name="Impor sekarang").first.click()
    expect(page.locator(".alert-success")).to_contain_text("1 diperbarui")
    walk.check("the product list after the import")
    product = Product.objects.get(name=PRODUCT)  # one product still: nothing doubled by the round trip
    assert product.price_max == 175_000


def dinas_prints_the_recap(walk: Walk) -> None:
    page = walk.page
    page.goto(reverse("officials:recap") + "?tahun=2026")
    expect(page.locator(".regency-letterhead")).to_be_visible()
    walk.check("the recap")
    page.emulate_media(media="print")
    expect(page.locator(".regency-letterhead")).to_be_visible()
    expect(page.locator(".recap-totals").first).to_be_visible()
    signature = page.locator(".regency-signature")
    expect(signature).to_be_visible()
    expect(signature).to_contain_text("Ahmad Contoh, S.E.")
    expect(signature).to_contain_text("NIP. 197001012000011001")
    # Room to sign between the title and the name: the CSP-safe stylesheet gives it its height.
    space = page.locator(".regency-signature-space").bounding_box()
    assert space and space["height"] >= 60
    expect(page.locator("header nav").first).to_be_hidden()
    page.screenshot(path=f"/tmp/recap-print-{walk.viewport['width']}.png", full_page=True)  # noqa: S108


@pytest.mark.parametrize("viewport", [PHONE_390, DESKTOP_1366], ids=["390px", "1366px"])
def test_the_officials_walk_from_a_new_product_to_the_printed_recap(
    pages, walk_world, officer_a, dinas, viewport, tmp_path
):
    officer = Walk(pages, signed_in_state(pages, officer_a.username), viewport)
    product = officer_registers_a_product_with_a_new_producer(officer)
    officer_proposes_it(officer, product)

    dinas_walk = Walk(pages, signed_in_state(pages, dinas.username), viewport)
    dinas_records_a_delivery_choosing_the_village_first(dinas_walk, walk_world)
    dinas_exports_the_registry_and_imports_it_back(dinas_walk, tmp_path)
    dinas_prints_the_recap(dinas_walk)
