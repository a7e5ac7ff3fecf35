"""The public pages on a phone-sized screen (390 x 844)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import horizontal_overflow

pytestmark = pytest.mark.browser


def test_on_a_phone_the_menu_collapses_and_no_public_page_scrolls_sideways(pages, gerabah):
    page = pages.phone()
    for path in ("/", "/produk/", "/produk/?q=gerabah&kecamatan=36.04.09", gerabah.path, "/peta/"):
        page.goto(path)
        if path == "/peta/":
            expect(page.locator("#ovop-map")).to_have_attribute("data-ready", "true")
        expect(page.locator(".navbar-toggler")).to_be_visible()
        expect(page.locator("#main-nav")).to_be_hidden()
        assert horizontal_overflow(page) <= 0, f"{path} scrolls sideways on a phone"

    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#main-nav").get_by_role("link", name="Katalog produk")).to_be_visible()
    expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "true")
    assert pages.errors == []


def test_on_a_phone_the_catalogue_cards_are_readable(pages, gerabah):
    page = pages.phone()
    page.goto("/produk/?q=gerabah")
    cards = page.locator("article.product-card")
    expect(cards).to_have_count(2)
    width = page.viewport_size["width"]
    for card in cards.all():
        card.scroll_into_view_if_needed()
        expect(card).to_be_visible()
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the whole card is on the screen
        assert box["width"] >= 0.8 * width  # one card per row
        title = card.locator("h3 a")
        expect(title).to_be_visible()
        assert float(title.evaluate("a => getComputedStyle(a).fontSize").removesuffix("px")) >= 14
        picture = card.locator(".card-img-top")  # the cover photo, or the category's name without one
        expect(picture).to_be_visible()
        assert picture.bounding_box()["width"] <= box["width"]
