"""The programme at a glance, in a browser: the home page's coverage drawing needs neither tiles nor
JavaScript, and the map page keeps its points (and says why the background is blank) when the tile
server cannot be reached."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import describe_violations, run_axe
from tests.factories import BUMIJAYA, KRAMATWATU_VILLAGE

pytestmark = pytest.mark.browser


def test_when_the_tiles_are_blocked_the_map_keeps_its_points_and_says_why(pages, live, gerabah, settings):
    settings.OVOP_MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"  # aborted: offline
    page = pages.new()
    page.goto("/peta/")

    map_element = page.locator("#ovop-map")
    expect(map_element).to_have_attribute("data-ready", "true")
    expect(map_element).to_have_attribute("data-tiles", "failed")
    expect(page.locator("#ovop-map-notice")).to_be_visible()
    expect(map_element.locator("path.cv-marker-flagship")).to_have_count(1)  # Bumijaya
    expect(map_element.locator("path.cv-marker-products")).to_have_count(1)  # Kramatwatu's gerabah
    assert any("tile.openstreetmap.org" in url for url in pages.blocked)

    # The same drawing as the home page, under the map, with every village of the regency; its links
    # are the list's below it.
    drawing = page.locator("svg.cv-map")
    expect(drawing).to_be_visible()
    expect(drawing.locator("use.cv-flagship")).to_have_count(1)
    expect(drawing.locator("use.cv-products")).to_have_count(1)
    expect(drawing.locator("a")).to_have_count(0)
    places = page.locator("section[aria-labelledby=places-heading]")
    expect(places.locator(f'li.cv-place-products a[href="/desa/{KRAMATWATU_VILLAGE}/"]')).to_have_count(1)


def test_the_home_drawing_works_without_javascript_and_its_points_open_the_village(pages, live, gerabah):
    page = pages.new(java_script_enabled=False)
    page.goto("/")

    drawing = page.locator("svg.cv-map")
    expect(drawing).to_be_visible()
    expect(drawing.locator("a")).to_have_count(326)
    table = page.locator("table.cv-table")
    expect(table.get_by_role("link", name="Ciruas")).to_be_visible()
    drawing.locator(f'a[href="/desa/{BUMIJAYA}/"]').click()
    expect(page).to_have_url(f"{live}/desa/{BUMIJAYA}/")
    assert pages.blocked == []


def test_the_home_with_its_drawing_has_no_wcag_violations(pages, live, gerabah):
    page = pages.new(bypass_csp=True)  # axe is injected as an inline script
    page.goto("/")
    expect(page.locator("svg.cv-map")).to_be_visible()
    violations = run_axe(page)
    assert not violations, describe_violations(violations)
