"""The public product page: photos, stars, legality, contacts with consent only, QR code, English."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import CONSENTING_NUMBER, PRIVATE_NUMBER, wait_for_images_loaded

pytestmark = pytest.mark.browser


def test_the_flagship_page_shows_its_photos_stars_and_only_its_valid_legality(page, gerabah):
    page.goto(gerabah.path)

    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Gerabah Bumijaya")
    expect(page.locator(".badge-flagship")).to_contain_text("Produk unggulan desa sejak 2026")

    images = page.locator("section.gallery img")
    expect(images).to_have_count(3)  # the cover, then a thumbnail of each photo
    for image in images.all():
        assert int(image.get_attribute("width")) > 0
        assert int(image.get_attribute("height")) > 0
        assert image.get_attribute("alt").strip()
    thumbnails = page.locator("section.gallery .gallery-thumbs img")
    expect(thumbnails).to_have_count(2)
    for thumbnail in thumbnails.all():
        expect(thumbnail).to_have_attribute("loading", "lazy")
    assert [t.get_attribute("alt") for t in thumbnails.all()] == [
        "Kendi gerabah Bumijaya",
        "Perajin membentuk gerabah",
    ]
    page.locator("section.gallery").scroll_into_view_if_needed()
    wait_for_images_loaded(page, "section.gallery img")

    stars = page.get_by_role("img", name="4 dari 5 bintang")
    expect(stars).to_be_visible()
    expect(stars).to_have_class(re.compile(r"\bstars\b"))
    assert stars.evaluate("s => s.firstChild.textContent") == "★★★★"

    badges = page.locator(".badge-legality")
    expect(badges).to_have_count(1)
    expect(badges).to_contain_text("Sertifikat halal")
    expect(page.locator("main")).not_to_contain_text("SPP-IRT")  # expired: never shown
    expect(page.locator("main")).not_to_contain_text("PIRT-KEDALUWARSA")


def test_a_consenting_producer_has_a_whatsapp_link_with_a_ready_message(page, live, gerabah):
    page.goto(gerabah.path)

    links = page.locator("a.btn-whatsapp")
    expect(links).to_have_count(1)
    expect(links).to_be_visible()
    expect(links).to_contain_text("Kelompok Perajin Gerabah Bumijaya")  # names the producer to screen readers
    expect(links).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    link = urlsplit(links.get_attribute("href"))
    assert (link.scheme, link.netloc) == ("https", "wa.me")
    assert link.path == "/6281234567890" == "/" + CONSENTING_NUMBER.removeprefix("+")
    assert list(parse_qs(link.query)) == ["text"]
    message = parse_qs(link.query)["text"][0]
    assert message.startswith("Halo Kelompok Perajin Gerabah Bumijaya")
    assert "melihat Gerabah Bumijaya (Desa Bumijaya)" in message
    assert message.endswith(live + gerabah.path)


def test_a_producer_without_consent_has_no_link_and_their_number_is_nowhere_in_the_page(page, gerabah):
    for language in ("id", "en"):
        page.goto(f"/bahasa/{language}/?next={gerabah.path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        producers = page.locator("section[aria-labelledby=producers-heading]")
        private = producers.locator(":scope > div").filter(has_text="Perajin Rumahan Bu Sarti")
        expect(private).to_have_count(1)
        expect(private.locator("a")).to_have_count(0)
        expect(producers.locator("a[href*='wa.me']")).to_have_count(1)  # the consenting producer's
        html = page.content()
        local = PRIVATE_NUMBER.removeprefix("+62")  # 81298765432: in none of its spellings
        assert local not in html
        assert local not in re.sub(r"\D", "", html)


def test_the_qr_code_is_an_svg_image_shown_on_the_page(page, live, gerabah):
    page.goto(gerabah.path)
    qr = page.locator("section.qr-block img")
    expect(qr).to_have_attribute("src", f"{gerabah.path}qr.svg")
    expect(qr).to_have_attribute("alt", "Kode QR ke halaman Gerabah Bumijaya")
    qr.scroll_into_view_if_needed()
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())

    response = page.request.get(f"{live}{gerabah.path}qr.svg")
    assert response.ok
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in response.text()


def test_the_product_page_in_english_has_its_own_address_and_translates_the_page(page, live, gerabah):
    page.goto(gerabah.path)
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.locator("a[hreflang=en]").click()

    expect(page).to_have_url(live + "/en" + gerabah.path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Gerabah Bumijaya")
    expect(page.get_by_role("img", name="4 out of 5 stars")).to_be_visible()
    expect(page.locator(".badge-legality")).to_contain_text("Halal certificate")
    expect(page.locator("nav[aria-label=breadcrumb]")).to_contain_text("Home")
    message = parse_qs(urlsplit(page.locator("a.btn-whatsapp").get_attribute("href")).query)["text"][0]
    assert message.endswith(live + "/en" + gerabah.path)
