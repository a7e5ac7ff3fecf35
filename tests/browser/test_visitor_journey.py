"""The issue's "done when": on a phone, a visitor finds Bumijaya's gerabah, filters to Kecamatan Ciruas,
opens the flagship, sees its photos, stars and halal certificate and can chat with its maker on
WhatsApp; then the same in English."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    CIRUAS,
    CONSENTING_NUMBER,
    PRIVATE_NUMBER,
    horizontal_overflow,
    wait_for_images_loaded,
)

pytestmark = pytest.mark.browser

INDONESIAN = {
    "lang": "id",
    "prefix": "",  # the addresses printed and linked until now
    "search": "Cari produk, desa atau produsen",
    "found": {1: "1 produk ditemukan", 2: "2 produk ditemukan"},
    "stars": "4 dari 5 bintang",
    "halal": "Sertifikat halal",
    "chat": "Chat WhatsApp",
    "greeting": "Halo Kelompok Perajin Gerabah Bumijaya",
}
ENGLISH = {
    "lang": "en",
    "prefix": "/en",  # the English pages' addresses
    "search": "Search for a product, village or producer",
    "found": {1: "1 product found", 2: "2 products found"},
    "stars": "4 out of 5 stars",
    "halal": "Halal certificate",
    "chat": "Chat on WhatsApp",
    "greeting": "Hello Kelompok Perajin Gerabah Bumijaya",
}


def search_and_filter_to_ciruas(page, words):
    """From the home page: search "gerabah", narrow the results to Kecamatan Ciruas, open the flagship."""
    page.goto(words["prefix"] + "/")
    expect(page.locator("html")).to_have_attribute("lang", words["lang"])
    assert horizontal_overflow(page) <= 0
    search = page.get_by_label(words["search"])
    search.fill("gerabah")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/produk/\?q=gerabah$"))
    cards = page.locator("article.product-card")
    expect(cards).to_have_count(2)  # Bumijaya's and Kramatwatu's; never the draft
    expect(page.locator("#result-count")).to_have_text(words["found"][2])
    assert horizontal_overflow(page) <= 0
    page.wait_for_load_state("load")  # htmx (a deferred script) now handles the form's changes

    page.evaluate("window.__marker = 1")
    page.locator("#id_kecamatan").select_option(CIRUAS)
    expect(cards).to_have_count(1)
    expect(page.locator("#result-count")).to_have_text(words["found"][1])
    expect(cards.first).to_contain_text("Gerabah Bumijaya")
    expect(page).to_have_url(re.compile(r"[?&]kecamatan=36\.04\.09(&|$)"))
    assert page.evaluate("window.__marker") == 1, "the results were replaced by a full page load"

    cards.first.locator("a.stretched-link").click()


def check_flagship_page(page, live, gerabah, words):
    expect(page).to_have_url(live + words["prefix"] + gerabah.path)
    expect(page.locator("html")).to_have_attribute("lang", words["lang"])
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Gerabah Bumijaya")
    assert horizontal_overflow(page) <= 0

    photos = page.locator("section.gallery img")
    expect(photos).to_have_count(3)  # the cover, and a thumbnail of each of the two photos
    page.locator("section.gallery").scroll_into_view_if_needed()
    wait_for_images_loaded(page, "section.gallery img")
    expect(page.locator("section.gallery img[alt='Kendi gerabah Bumijaya']").first).to_be_visible()

    expect(page.get_by_role("img", name=words["stars"])).to_be_visible()
    badges = page.locator(".badge-legality")
    expect(badges).to_have_count(1)
    expect(badges).to_contain_text(words["halal"])

    whatsapp = page.locator("a.btn-whatsapp")
    expect(whatsapp).to_have_count(1)
    expect(whatsapp).to_be_visible()
    expect(whatsapp).to_contain_text(words["chat"])
    link = urlsplit(whatsapp.get_attribute("href"))
    assert (link.scheme, link.netloc, link.path) == ("https", "wa.me", "/" + CONSENTING_NUMBER.lstrip("+"))
    message = parse_qs(link.query)["text"][0]
    assert message.startswith(words["greeting"])
    assert "Gerabah Bumijaya (" in message  # the product, then its village
    assert message.endswith(live + words["prefix"] + gerabah.path)
    assert PRIVATE_NUMBER.removeprefix("+62") not in page.content()


def open_menu_and_choose(page, language: str):
    page.wait_for_load_state("load")  # Bootstrap (a deferred script) now handles the toggler
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#main-nav")).to_be_hidden()
    toggler.click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))  # opened, not still sliding
    with page.expect_response(re.compile(rf"/bahasa/{language}/")):
        page.locator(f"a[hreflang={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_on_a_phone_a_visitor_finds_gerabah_filters_to_ciruas_and_chats_on_whatsapp_then_in_english(
    pages, live, gerabah
):
    page = pages.phone()

    search_and_filter_to_ciruas(page, INDONESIAN)
    check_flagship_page(page, live, gerabah, INDONESIAN)

    # The same page in English, through the switch in the (collapsed) menu.
    open_menu_and_choose(page, "en")
    check_flagship_page(page, live, gerabah, ENGLISH)

    # And the whole journey again, in English.
    search_and_filter_to_ciruas(page, ENGLISH)
    check_flagship_page(page, live, gerabah, ENGLISH)

    assert pages.errors == []
    assert pages.blocked == []
