"""The searchable pickers (static/js/picker.js over core.widgets.SearchSelect) in a browser, with the
portal's CSP enforced: the product form's producers are found as one types, the product's own village
first, added as tags and taken off again; the open list passes axe-core."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.support import run_axe
from tests.browser.test_officials_accessibility import signed_in_state
from tests.factories import BUMIJAYA, ProducerFactory

pytestmark = pytest.mark.browser

CIRUAS_VILLAGE = "36.04.09.2001"  # Desa Ciruas, another village of kecamatan Ciruas


def search_box(page, label: str):
    """The picker's text box (the <select> under it is a combobox too until the deferred script runs)."""
    return page.get_by_role("combobox", name=re.compile(label)).and_(page.locator("input"))


def chosen(page) -> list[str]:
    return page.locator("select[name=producers] option:checked").evaluate_all(
        "options => options.map(o => o.textContent.trim())"
    )


@pytest.fixture
def producers(live):
    ProducerFactory(business_name="Perajin Anyaman", village_id=CIRUAS_VILLAGE)
    ProducerFactory(business_name="Perajin Bumijaya")


def test_producers_are_searched_nearest_first_added_and_taken_off(pages, producers, officer_a):
    page = pages.new(storage_state=signed_in_state(pages, officer_a.username))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(reverse("products:product_create") + f"?village={BUMIJAYA}")
    box = search_box(page, "Produsen")
    box.fill("Perajin")
    options = page.get_by_role("listbox", name="Produsen").get_by_role("option")
    # The product's own village first, though "Anyaman" comes before "Bumijaya" by name.
    expect(options.first).to_have_text(re.compile("Perajin Bumijaya"))
    expect(options.nth(1)).to_have_text(re.compile("Perajin Anyaman"))
    box.press("ArrowDown")
    box.press("Enter")  # chooses; never submits the form
    expect(page.locator("h1")).to_have_text("Daftarkan produk")
    box.fill("Anyaman")
    page.get_by_role("option", name=re.compile("Perajin Anyaman")).click()
    assert sorted(chosen(page)) == ["Perajin Anyaman · Ciruas", "Perajin Bumijaya · Bumijaya"]
    page.get_by_role("button", name=re.compile("Hapus: Perajin Anyaman")).click()
    assert chosen(page) == ["Perajin Bumijaya · Bumijaya"]
    assert not errors, errors


def test_the_open_list_has_no_serious_axe_violation(pages, producers, officer_a):
    page = pages.new(storage_state=signed_in_state(pages, officer_a.username), bypass_csp=True)
    page.goto(reverse("products:product_create") + f"?village={BUMIJAYA}")
    box = search_box(page, "Produsen")
    box.fill("Perajin")
    expect(page.get_by_role("listbox", name="Produsen").get_by_role("option").first).to_be_visible()
    box.press("ArrowDown")
    blocking = [v["id"] for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert not blocking, blocking
