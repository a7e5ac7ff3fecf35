"""The public map shows names written by officials (and attributions set by the operator) as text:
Leaflet puts a string tooltip, popup or attribution into innerHTML, so map.js builds them from nodes."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import designate, record_stars
from tests.factories import ProductFactory

pytestmark = pytest.mark.browser

HOSTILE = 'X"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_flagship(live, officer_a, dinas):
    product = ProductFactory(name=HOSTILE)
    record_stars(product, dinas, 80)
    designate(product, officer_a, dinas)
    return product


def open_map(pages):
    page = pages.new()
    page.goto("/peta/")
    map_element = page.locator("#ovop-map")
    expect(map_element).to_have_attribute("data-ready", "true")
    return page, map_element


def test_a_flagship_name_holding_markup_shows_as_text_in_the_maps_tooltip_and_popup(pages, hostile_flagship):
    page, map_element = open_map(pages)
    marker = map_element.locator(".leaflet-overlay-pane svg path.leaflet-interactive")
    expect(marker).to_have_count(1)

    marker.hover()
    tooltip = map_element.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(HOSTILE)
    marker.click()
    popup_link = map_element.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_text(HOSTILE)
    expect(popup_link).to_have_attribute("href", hostile_flagship.get_public_url())

    assert map_element.locator("img:not(.leaflet-tile)").count() == 0
    assert page.locator("img[src=x]").count() == 0


def test_the_map_attribution_is_shown_as_text(pages, hostile_flagship, settings):
    # A tile server that answers nothing: only the attribution control matters here.
    settings.OVOP_MAP_TILE_URL = "https://127.0.0.1:9/{z}/{x}/{y}.png"
    settings.OVOP_MAP_ATTRIBUTION = "© Peta <b>tebal</b>"

    page, map_element = open_map(pages)

    attribution = map_element.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text("© Peta <b>tebal</b>")
    assert attribution.locator("b").count() == 0
