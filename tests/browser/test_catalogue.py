"""The public catalogue's filters: htmx updates without reloading, the same results at the same address,
and a form that works without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import CIRUAS

pytestmark = pytest.mark.browser

CARDS = "article.product-card"
FILTERED = re.compile(r"[?&]kecamatan=36\.04\.09(&|$)")


def card_names(page) -> list[str]:
    return page.locator(f"{CARDS} a.stretched-link").all_inner_texts()


def filter_to_ciruas_in_place(page):
    """Choose Kecamatan Ciruas in the filter form and wait for the results and the address to follow."""
    with page.expect_response(lambda response: "kecamatan=" in response.url) as update:
        page.locator("#id_kecamatan").select_option(CIRUAS)
    expect(page.locator(CARDS)).to_have_count(1)
    expect(page).to_have_url(FILTERED)
    return update.value


def test_choosing_a_kecamatan_replaces_the_results_in_place_and_updates_the_address(page, gerabah):
    page.goto("/produk/?q=gerabah")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^2 "))
    assert sorted(card_names(page)) == ["Gerabah Bumijaya", "Gerabah Kramatwatu"]
    page.evaluate("window.__marker = 1")

    response = filter_to_ciruas_in_place(page)

    assert response.request.resource_type in {"xhr", "fetch"}
    assert response.request.headers.get("hx-request") == "true"
    assert page.evaluate("window.__marker") == 1, "the page was reloaded instead of updated in place"
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 "))
    assert card_names(page) == ["Gerabah Bumijaya"]
    assert "q=gerabah" in page.url
    expect(page.locator("h1")).to_have_count(1)  # the results only, not a page inside the page
    expect(page.locator("header")).to_have_count(1)


def test_the_filtered_address_gives_the_same_results_when_opened_directly_with_or_without_javascript(
    pages, gerabah
):
    page = pages.new()
    page.goto("/produk/?q=gerabah")
    filter_to_ciruas_in_place(page)
    address, count, names = page.url, page.locator("#result-count").inner_text(), card_names(page)

    for opened in (pages.new(), pages.new(java_script_enabled=False)):
        opened.goto(address)
        expect(opened.locator("#result-count")).to_have_text(count)
        assert card_names(opened) == names
        expect(opened.locator("#id_kecamatan")).to_have_value(CIRUAS)
        expect(opened.locator("#id_q")).to_have_value("gerabah")
    assert pages.errors == []


def test_without_javascript_the_apply_button_filters_the_catalogue(pages, gerabah):
    page = pages.new(java_script_enabled=False)
    page.goto("/produk/")
    expect(page.locator(CARDS)).to_have_count(3)  # the three published products; never the draft
    page.locator("#id_q").fill("gerabah")
    page.locator("#id_kecamatan").select_option(CIRUAS)
    page.get_by_role("button", name="Terapkan").click()

    expect(page).to_have_url(FILTERED)
    expect(page.locator("#result-count")).to_have_text("1 produk ditemukan")
    assert card_names(page) == ["Gerabah Bumijaya"]
    expect(page.locator("#id_kecamatan")).to_have_value(CIRUAS)


def test_typing_in_the_search_box_updates_the_results_after_a_pause(page, gerabah):
    page.goto("/produk/")
    expect(page.locator(CARDS)).to_have_count(3)
    page.evaluate("window.__marker = 1")

    page.locator("#id_q").press_sequentially("gerabah", delay=30)

    expect(page.locator(CARDS)).to_have_count(2)
    expect(page).to_have_url(re.compile(r"[?&]q=gerabah(&|$)"))
    assert page.evaluate("window.__marker") == 1
    assert sorted(card_names(page)) == ["Gerabah Bumijaya", "Gerabah Kramatwatu"]


def test_a_search_that_finds_nothing_says_so_and_offers_a_way_out(page, gerabah):
    page.goto("/produk/?q=gerabah")
    page.locator("#id_q").fill("batik")
    page.locator("#id_q").press("Enter")
    expect(page.locator("#results .empty-state")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^0 "))
    expect(page.locator(CARDS)).to_have_count(0)
    expect(page.locator("#results .empty-state a[href='/peta/']")).to_be_visible()


def test_back_from_a_product_returns_to_the_whole_filtered_catalogue(page, live, gerabah):
    page.goto("/produk/?q=gerabah")
    filter_to_ciruas_in_place(page)
    page.locator(f"{CARDS} a.stretched-link").click()
    expect(page).to_have_url(live + gerabah.path)

    page.go_back()

    expect(page).to_have_url(FILTERED)
    expect(page.locator("header")).to_have_count(1)  # the whole page, not the cached htmx fragment
    expect(page.locator("h1")).to_have_count(1)
    assert card_names(page) == ["Gerabah Bumijaya"]
    expect(page.locator("#id_kecamatan")).to_have_value(CIRUAS)


def test_the_language_switch_shows_the_catalogue_in_english_at_the_same_address(page, gerabah):
    page.goto("/produk/?q=gerabah")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#main-nav").get_by_role("link", name="Kecamatan", exact=True)).to_be_visible()

    page.locator("a[hreflang=en]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/produk/\?q=gerabah$"))
    expect(page.locator("#main-nav").get_by_role("link", name="District", exact=True)).to_be_visible()
    expect(page.locator("a[hreflang=en]")).to_have_attribute("aria-current", "true")
    assert sorted(card_names(page)) == ["Gerabah Bumijaya", "Gerabah Kramatwatu"]

    page.locator("a[hreflang=id]").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page).to_have_url(re.compile(r"/produk/\?q=gerabah$"))


def test_switching_language_after_filtering_keeps_the_filters(page, gerabah):
    page.goto("/produk/?q=gerabah")
    filter_to_ciruas_in_place(page)

    page.locator("a[hreflang=en]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert FILTERED.search(page.url), f"the filter is lost: {page.url}"
    assert card_names(page) == ["Gerabah Bumijaya"]


def test_going_back_and_forward_keeps_the_form_in_step_with_the_results(page, gerabah):
    page.goto("/produk/?q=gerabah")
    filter_to_ciruas_in_place(page)
    # htmx keeps no history snapshots, so each step reloads the page from the server. Wait for that
    # reload to finish: a step taken while its scripts are still loading would find no history handler.
    with page.expect_event("load"):
        page.go_back()
    expect(page.locator(CARDS)).to_have_count(2)
    expect(page.locator("#id_kecamatan")).to_have_value("")

    with page.expect_event("load"):
        page.go_forward()

    expect(page.locator(CARDS)).to_have_count(1)
    expect(page).to_have_url(FILTERED)
    assert page.locator("#id_kecamatan").input_value() == CIRUAS, "the form says another kecamatan"
