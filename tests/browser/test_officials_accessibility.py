"""axe-core on the officials' main pages, as a kecamatan officer (and the Dinas, for the pages only it
may open) sees them, at desktop and phone widths (issue 17, item 7): no serious or critical WCAG 2.0
or 2.1 level A/AA violation. The public pages are checked in test_accessibility.py."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assistance.models import Delivery, Programme
from tests.browser.support import DESKTOP, PHONE, describe_violations, run_axe
from tests.factories import BUMIJAYA

pytestmark = pytest.mark.browser

PASSWORD = "pw-test-12345"  # tests.factories.UserFactory's
BLOCKING = ("serious", "critical")

# Violations still found in templates that other engineers own, to be fixed there: (page id, axe rule).
# A wide table in a `.table-responsive` without a link or a button in it scrolls sideways on a phone
# but cannot be reached by keyboard; the fix is `tabindex="0" role="region" aria-labelledby="…"` on
# the wrapper (as templates/jobs/job_detail.html does). Remove an entry once its template is fixed: an
# entry that no longer matches fails the test, so the list can only shrink.
KNOWN: set[tuple[str, str]] = set()

# (id, who signs in, the URL name, its kwargs from the scenario)
PAGES = [
    ("home", "officer_a", "officials:home", None),
    ("dashboard", "officer_a", "officials:dashboard", None),
    ("product-list", "officer_a", "products:product_list", None),
    ("product-page", "officer_a", "officials:product_detail", lambda s: {"pk": s["product"].pk}),
    ("product-create", "officer_a", "products:product_create", None),
    ("producer-create", "officer_a", "products:producer_create", None),
    ("producer-update", "officer_a", "products:producer_update", lambda s: {"pk": s["producer"].pk}),
    ("delivery-create", "dinas", "assistance:delivery_create", lambda s: {"pk": s["programme"].pk}),
    ("programme-page", "officer_a", "assistance:programme_detail", lambda s: {"pk": s["programme"].pk}),
    ("import", "officer_a", "officials:import", None),
    ("recap", "officer_a", "officials:recap", None),
    ("situations", "officer_a", "officials:situations", None),
    ("village-registry", "officer_a", "officials:village_registry", lambda s: {"code": BUMIJAYA}),
]


@pytest.fixture
def scenario(gerabah, dinas):
    """Bumijaya's flagship with its producers (the `gerabah` scenario), and a running programme that
    has delivered to it."""
    programme = Programme.objects.create(
        name="Pelatihan kemasan",
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Disperindag",
        status="running",
    )
    Delivery.objects.create(
        programme=programme,
        village_id=BUMIJAYA,
        delivered_on=datetime.date(2026, 4, 1),
        value=1_500_000,
        description="Pelatihan desain kemasan",
        officer=dinas,
        product=gerabah.flagship,
    )
    return {"product": gerabah.flagship, "producer": gerabah.consenting, "programme": programme}


def signed_in_state(pages, username: str) -> dict:
    """The cookies of a session signed in through the sign-in form, for the contexts that follow."""
    page = pages.new()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/petugas/$"))
    return page.context.storage_state()


@pytest.mark.parametrize(("page_id", "who", "name", "kwargs"), PAGES, ids=[p[0] for p in PAGES])
def test_the_officials_page_has_no_serious_or_critical_axe_violation_on_a_desktop_or_a_phone(
    pages, request, scenario, page_id, who, name, kwargs
):
    user = request.getfixturevalue(who)
    state = signed_in_state(pages, user.username)
    path = reverse(name, kwargs=kwargs(scenario) if kwargs else None)
    found, known_seen = [], set()
    for viewport in (DESKTOP, PHONE):
        extra = {"is_mobile": True, "has_touch": True} if viewport is PHONE else {}
        page = pages.new(viewport=viewport, bypass_csp=True, storage_state=state, **extra)
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status} to {who}"
        expect(page.locator("main h1")).to_be_visible()
        blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
        known_seen |= {(page_id, v["id"]) for v in blocking if (page_id, v["id"]) in KNOWN}
        if blocking := [v for v in blocking if (page_id, v["id"]) not in KNOWN]:
            found.append(f"at {viewport['width']}x{viewport['height']}:\n{describe_violations(blocking)}")
    assert not found, f"axe-core found serious or critical violations on {path} ({who})\n" + "\n".join(found)
    expected_known = {entry for entry in KNOWN if entry[0] == page_id}
    assert known_seen == expected_known, f"fixed, remove from KNOWN: {expected_known - known_seen}"
