"""WCAG 2.0 and 2.1, levels A and AA, as axe-core checks them, on the public pages, at desktop and phone
widths. axe-core is vendored in tests/browser/vendor (see its README)."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import DESKTOP, PHONE, describe_violations, run_axe

pytestmark = pytest.mark.browser


PAGES = [
    pytest.param("/", id="home"),
    pytest.param("/produk/", id="catalogue"),
    pytest.param(
        "/produk/?q=gerabah&kecamatan=36.04.09",
        id="filtered-catalogue",
    ),
    pytest.param("/produk/gerabah-bumijaya/", id="product"),
    pytest.param("/peta/", id="map"),
]


@pytest.mark.parametrize("path", PAGES)
def test_the_public_page_has_no_wcag_a_or_aa_violations_on_a_desktop_or_a_phone(pages, gerabah, path):
    assert gerabah.path == "/produk/gerabah-bumijaya/"
    found = []
    for viewport in (DESKTOP, PHONE):
        page = pages.new(viewport=viewport, bypass_csp=True)  # axe is injected as an inline script
        page.goto(path)
        if path == "/peta/":
            expect(page.locator("#ovop-map")).to_have_attribute("data-ready", "true")
        if violations := run_axe(page):
            found.append(f"at {viewport['width']}x{viewport['height']}:\n{describe_violations(violations)}")
    assert not found, f"axe-core found WCAG A/AA violations on {path}\n" + "\n".join(found)
