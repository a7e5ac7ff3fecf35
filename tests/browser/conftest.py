"""Browser tests: Debian's Chromium driven by Playwright (sync API) against pytest-django's live server.

One browser per test session (per xdist worker), a fresh context and page per test. The tests run
offline: every request to a host other than the live server is aborted, and the map has no tiles.
"""

import datetime
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from products.models import LegalityDocument
from tests.browser.support import (
    CONSENTING_NUMBER,
    DESKTOP,
    PHONE,
    PRIVATE_NUMBER,
    add_photo,
    designate,
    record_stars,
)
from tests.factories import KRAMATWATU_VILLAGE, LegalityDocumentFactory, ProducerFactory, ProductFactory
from villages.models import Village

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 20_000  # generous: CI machines and parallel workers can be slow

# Playwright's sync API runs an asyncio event loop in the main thread, where the tests also use the
# ORM (factories, services, the live server's shared SQLite connection): without this Django would
# refuse those calls as unsafe in an async context.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium'); the browser tests need it")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _map_without_tiles(settings):
    """The tile server is on the internet; the map page must work (and the tests pass) without it."""
    settings.OVOP_MAP_TILE_URL = ""


@pytest.fixture
def live(live_server, regions, settings):
    """The live server's base URL, over a database holding the regions, roles, categories and rubric.
    It is also the portal's public address here, so the links that leave a page (share messages, QR
    codes, certificates) lead back to this server."""
    settings.OVOP_PUBLIC_URL = live_server.url
    return live_server.url


class Pages:
    """Opens pages, each in a fresh browser context; all are closed when the test ends.

    Requests to any host but the live server are aborted and recorded in `blocked`; uncaught page
    errors and console errors (a CSP violation, a failing script, a failed request) in `errors`.
    """

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

    def _route(self, route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def new(self, viewport: dict = DESKTOP, **context_options):
        context = self.browser.new_context(base_url=self.base_url, viewport=viewport, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", self._route)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        return page

    def phone(self, **context_options):
        return self.new(viewport=PHONE, is_mobile=True, has_touch=True, **context_options)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, live):
    opener = Pages(browser, live)
    yield opener
    opener.close()


@pytest.fixture
def page(pages):
    return pages.new()


@dataclass
class Gerabah:
    flagship: object
    consenting: object
    private: object
    elsewhere: object

    @property
    def path(self) -> str:
        return self.flagship.get_public_url()


@pytest.fixture
def gerabah(live, officer_a, dinas):
    """Bumijaya's approved flagship "Gerabah Bumijaya": two photos, 4 stars, a halal certificate, an
    expired SPP-IRT (never shown), a producer who agreed to be contacted and one who did not. Around
    it: a gerabah of another kecamatan, another Bumijaya product and an unpublished gerabah."""
    product = ProductFactory(
        name="Gerabah Bumijaya",
        story="Gerabah dari tanah liat sawah Bumijaya, dibentuk dengan tangan dan dibakar di tungku.",
    )
    consenting = ProducerFactory(
        business_name="Kelompok Perajin Gerabah Bumijaya", whatsapp=CONSENTING_NUMBER, contact_consent=True
    )
    private = ProducerFactory(
        business_name="Perajin Rumahan Bu Sarti", whatsapp=PRIVATE_NUMBER, contact_consent=False
    )
    product.producers.add(consenting, private)
    add_photo(product, (150, 80, 40), "Kendi gerabah Bumijaya")
    add_photo(product, (110, 60, 30), "Perajin membentuk gerabah")
    LegalityDocumentFactory(
        product=product, kind=LegalityDocument.Kind.HALAL, number="ID36110000123450124", expires_on=None
    )
    LegalityDocumentFactory(
        product=product,
        kind=LegalityDocument.Kind.SPP_IRT,
        number="PIRT-KEDALUWARSA",
        issued_on=datetime.date(2019, 1, 1),
        expires_on=datetime.date(2024, 1, 1),
    )
    record_stars(product, dinas, 80)
    designate(product, officer_a, dinas)
    elsewhere = ProductFactory(
        name="Gerabah Kramatwatu", village=Village.objects.get(code=KRAMATWATU_VILLAGE)
    )
    ProductFactory(name="Emping Melinjo Bumijaya")
    ProductFactory(name="Gerabah Draf Bumijaya", status="draft")
    return Gerabah(flagship=product, consenting=consenting, private=private, elsewhere=elsewhere)
