"""The officials' pages on a phone and the signed-in header on laptop widths (issue 17, item 3).

On a phone the officials' menu (~17 links) hides behind a "Menu petugas" toggle, so each page's content
starts near the top; at 1280 and 1366 px the signed-in header stays on one row."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import PHONE, describe_violations, horizontal_overflow, run_axe

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-12345"  # tests.factories.UserFactory's
LAPTOPS = [{"width": 1366, "height": 768}, {"width": 1280, "height": 800}]
ONE_ROW_PX = 80  # the navbar with everything on a single row is ~66 px; a wrapped one is >= 100 px


@pytest.fixture
def identity(live):
    """A written regency identity, as a deployed portal has: the agency's long name widens the brand."""
    from django.core.cache import cache

    from regency.models import RegencyProfile

    RegencyProfile.objects.create(
        regency_name="Kabupaten Serang",
        agency_name="Dinas Koperasi, Usaha Kecil dan Menengah, Perindustrian dan Perdagangan",
    )
    cache.clear()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Masuk petugas")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/petugas/$"))


def test_on_a_phone_the_officials_menu_collapses_and_the_content_starts_near_the_top(pages, officer_a):
    page = pages.phone()
    log_in(page, officer_a.username)

    heading = page.locator("main h1")
    expect(heading).to_have_text("Ruang Petugas")
    top = heading.bounding_box()["y"]
    assert top < 300, f"the officials' home content starts {top:.0f} px down on a phone"

    toggle = page.get_by_role("button", name="Menu petugas")
    menu = page.locator("#officials-menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-controls", "officials-menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    assert horizontal_overflow(page) <= 0, "the officials' home scrolls sideways on a phone"

    toggle.click()
    expect(menu).to_have_class(re.compile(r"\bshow\b"))
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Daftar tugas")).to_be_visible()

    # The keyboard closes it again: Bootstrap's collapse is driven by a real <button>.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    page.keyboard.press("Space")
    expect(menu.get_by_role("link", name="Daftar tugas")).to_be_visible()
    assert horizontal_overflow(page) <= 0, "the open officials' menu scrolls sideways on a phone"
    assert pages.errors == []


@pytest.mark.parametrize("who", ["dinas", "officer_a"])
@pytest.mark.parametrize("viewport", LAPTOPS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_on_a_laptop_the_signed_in_header_is_one_row_and_the_officials_menu_is_always_shown(
    pages, request, viewport, who, identity
):
    page = pages.new(viewport=viewport)
    log_in(page, request.getfixturevalue(who).username)

    navbar = page.locator("header .navbar")
    for name in ("Katalog produk", "Ruang Petugas"):
        link = page.locator("#main-nav").get_by_role("link", name=name)
        expect(link).to_be_visible()
        assert link.bounding_box()["height"] < 50, f"{name!r} wraps onto two lines"
    signout = page.get_by_role("button", name=re.compile(r"^Keluar"))
    expect(signout).to_be_visible()
    expect(page.locator("#language-switch")).to_be_visible()
    height = navbar.bounding_box()["height"]
    assert height < ONE_ROW_PX, f"the signed-in header is {height:.0f} px tall at {viewport['width']} px"
    # Nothing sticks out of the header's container, and the switch sits beside the sign-out button.
    container = page.locator("header .navbar > .container").bounding_box()
    actions = page.locator("header .header-actions").bounding_box()
    right_edge = container["x"] + container["width"] + 0.5
    assert actions["x"] + actions["width"] <= right_edge, "the header overflows"
    switch_box = page.locator("#language-switch").bounding_box()
    signout_box = signout.bounding_box()
    assert abs(switch_box["y"] - signout_box["y"]) < 10, "the ID/EN switch stacks over the sign-out button"

    expect(page.get_by_role("button", name="Menu petugas")).to_be_hidden()
    expect(page.locator("#officials-menu").get_by_role("link", name="Daftar tugas")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert pages.errors == []


def test_on_a_phone_the_signed_in_main_menu_still_collapses(pages, dinas):
    page = pages.phone()
    log_in(page, dinas.username)
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#main-nav")).to_be_hidden()
    toggler.click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#main-nav").get_by_role("link", name="Ruang Petugas")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Keluar"))).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert pages.errors == []


def test_the_officials_home_has_no_wcag_a_or_aa_violations_on_a_phone_or_a_laptop(pages, officer_a):
    found = []
    for viewport in (PHONE, LAPTOPS[0]):
        page = pages.new(viewport=viewport, bypass_csp=True)  # axe is injected as an inline script
        log_in(page, officer_a.username)
        if violations := run_axe(page):
            found.append(f"at {viewport['width']}x{viewport['height']}:\n{describe_violations(violations)}")
    assert not found, "axe-core found WCAG A/AA violations on the officials' home\n" + "\n".join(found)
