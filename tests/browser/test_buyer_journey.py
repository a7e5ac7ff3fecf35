"""The issue's "done when" for buyers: on a phone (390 px), a buyer searches a misspelled product, opens
it, picks a variant, follows "Beli di" to a marketplace, opens the producer's page and scans the
stall label's QR code; axe-core finds nothing on any page of the way."""

import re
from urllib.parse import unquote

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from products.models import Platform, ProductVariant, ShopLink
from tests.browser.support import describe_violations, horizontal_overflow, run_axe

pytestmark = pytest.mark.browser

SHOP = "https://shopee.co.id/contoh-gerabah-bumijaya"


@pytest.fixture
def for_sale(gerabah):
    """Bumijaya's gerabah sold in two sizes, with its maker's Shopee listing and a profile."""
    flagship = gerabah.flagship
    small = ProductVariant.objects.create(
        product=flagship,
        name="Kendi kecil",
        price=35_000,
        unit="buah",
        dimensions="15 × 15 × 20 cm",
        position=1,
    )
    ProductVariant.objects.create(
        product=flagship,
        name="Pot besar",
        price=150_000,
        unit="buah",
        dimensions="40 × 40 × 45 cm",
        lead_time_days=7,
        position=2,
    )
    ShopLink.objects.create(producer=gerabah.consenting, product=flagship, platform=Platform.SHOPEE, url=SHOP)
    gerabah.consenting.profile = "Kelompok perajin gerabah di Bumijaya sejak 1998."
    gerabah.consenting.save()
    return gerabah, small


def accessible(page) -> None:
    assert horizontal_overflow(page) <= 0, "the page scrolls sideways at 390 px"
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def scan(path: str) -> list[str]:
    """What a phone camera reads from the screenshot: every QR code's text."""
    with Image.open(path) as image:
        return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def test_a_buyer_finds_picks_buys_meets_the_maker_and_scans_the_label(pages, for_sale, live, tmp_path):
    gerabah, small = for_sale
    page = pages.phone(bypass_csp=True)  # axe-core is injected as an inline script

    # A misspelled search from the home page finds the flagship, and says what it searched for.
    page.goto("/")
    search = page.get_by_label("Cari produk, desa atau produsen")
    search.fill("grabah")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/produk/\?q=grabah$"))
    expect(page.locator("#searched-as")).to_contain_text("gerabah")
    first = page.locator("article.product-card").first
    expect(first).to_contain_text("Gerabah Bumijaya")
    accessible(page)

    # It opens the product and picks the small jar: the order message names the variant.
    first.get_by_role("link", name=re.compile("Gerabah Bumijaya")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gerabah Bumijaya")
    page.get_by_role("link", name="Kendi kecil", exact=True).click()
    expect(page).to_have_url(re.compile(rf"#varian-{small.pk}$"))
    picked = page.locator(f"#varian-{small.pk}")
    expect(picked).to_contain_text(re.compile(r"Rp\s35\.000"))
    assert page.evaluate("document.querySelector(':target').id") == f"varian-{small.pk}"
    order = picked.locator("a[href^='https://wa.me/']")
    expect(order).to_have_count(1)  # one maker agreed to be contacted; the other is never offered
    assert "Kendi kecil" in unquote(order.get_attribute("href"))
    accessible(page)

    # "Beli di" leads to the maker's Shopee listing (the test runs offline: the request is recorded).
    buy = page.locator("section[aria-labelledby='buy-heading']")
    with page.expect_popup() as opened:
        buy.get_by_role("link", name="Shopee").click()
    opened.value.wait_for_event("requestfailed")
    assert SHOP in pages.blocked
    opened.value.close()

    # The maker's own page: who they are, their products, their contact.
    makers = page.locator("section[aria-labelledby='producers-heading']")
    makers.get_by_role("link", name="Kelompok Perajin Gerabah Bumijaya", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kelompok Perajin Gerabah Bumijaya")
    expect(page.locator("main")).to_contain_text("sejak 1998")
    expect(page.locator("main")).to_contain_text("Gerabah Bumijaya")
    expect(page.locator("main")).not_to_contain_text("Bu Sarti")  # the other maker stays private
    accessible(page)

    # The stall label: scanned from the screen, its QR code leads back to the product page.
    page.go_back()
    page.get_by_role("link", name="Cetak label").click()
    expect(page.locator(".product-label")).to_contain_text("Kelompok Perajin Gerabah Bumijaya")
    expect(page.locator(".product-label")).to_contain_text("ID36110000123450124")  # the halal number
    qr = page.locator("img.label-qr")
    expect(qr).to_be_visible()
    page.wait_for_function("document.querySelector('img.label-qr').complete")
    accessible(page)
    shot = tmp_path / "label-qr.png"
    qr.screenshot(path=str(shot))
    found = scan(str(shot))
    assert found == [f"{live}{gerabah.flagship.get_public_url()}"]
    page.goto(found[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Gerabah Bumijaya")

    assert not pages.errors, pages.errors
