"""The public map: a list of the villages with a flagship that needs no JavaScript, and a Leaflet map."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_map_shows_a_marker_for_the_approved_flagship_without_any_tile_server(pages, live, gerabah):
    page = pages.new()
    page.goto("/peta/")

    map_element = page.locator("#ovop-map")
    expect(map_element).to_be_visible()
    expect(map_element).to_have_attribute("data-ready", "true")
    markers = map_element.locator(".leaflet-overlay-pane svg path.leaflet-interactive.cv-marker-flagship")
    expect(markers).to_have_count(1)  # Bumijaya; the other products are no flagship
    # Kramatwatu's gerabah: a village with products, drawn apart (tests/browser/test_coverage_map.py)
    expect(map_element.locator("path.leaflet-interactive")).to_have_count(2)
    expect(map_element.locator(".leaflet-tile")).to_have_count(0)

    markers.first.click()
    popup_link = map_element.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_text("Gerabah Bumijaya")
    expect(popup_link).to_have_attribute("href", gerabah.path)
    popup_link.click()
    expect(page).to_have_url(live + gerabah.path)

    assert pages.blocked == []
    assert pages.errors == []


def test_without_javascript_the_map_page_lists_the_places_with_links_to_their_products(pages, live, gerabah):
    page = pages.new(java_script_enabled=False)
    page.goto("/peta/")

    expect(page.locator("#ovop-map")).to_be_hidden()
    places = page.locator("section[aria-labelledby=places-heading]")
    expect(places.get_by_role("link", name="Ciruas")).to_be_visible()
    expect(places.locator("li")).to_have_count(2)  # Bumijaya's flagship, Kramatwatu's products
    expect(places.get_by_role("link", name="Desa Bumijaya")).to_be_visible()
    product = places.get_by_role("link", name="Gerabah Bumijaya")
    expect(product).to_have_attribute("href", gerabah.path)
    product.click()
    expect(page).to_have_url(live + gerabah.path)
