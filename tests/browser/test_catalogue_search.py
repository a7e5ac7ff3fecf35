"""A buyer's misspelled search in the browser: corrected in place, said so, at a clean address."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import CIRUAS

pytestmark = pytest.mark.browser

CARDS = "article.product-card"


def test_a_misspelled_search_is_corrected_in_place_at_an_address_without_empty_parameters(page, gerabah):
    page.goto("/produk/")
    page.evaluate("window.__marker = 1")

    page.locator("#id_q").press_sequentially("grabah", delay=30)

    expect(page.locator("#searched-as")).to_have_text("Menampilkan hasil untuk gerabah")
    expect(page.locator(CARDS)).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/produk/\?q=grabah$"))  # no kecamatan=&kategori=&…
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated in place"

    page.locator("#id_kecamatan").select_option(CIRUAS)

    expect(page.locator(CARDS)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/produk/\?q=grabah&kecamatan=36\.04\.09$"))


def test_without_javascript_empty_fields_are_redirected_away(pages, gerabah):
    page = pages.new(java_script_enabled=False)
    page.goto("/produk/")
    page.locator("#id_kecamatan").select_option(CIRUAS)
    page.get_by_role("button", name="Terapkan").click()

    expect(page).to_have_url(re.compile(r"/produk/\?kecamatan=36\.04\.09$"))
    expect(page.locator(CARDS)).to_have_count(2)  # the flagship and the other Bumijaya product
