"""The public page cache serves exactly what a fresh render would: the htmx headers that shape a page
are part of its key, and a write is never hidden by a page cached while it was being committed, nor
by a write path that sends no model signals."""

import itertools
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from core import caching as page_cache
from ovop_portal.signals import _tables
from products.models import Product
from products.search import search_refresh
from tests.factories import BUMIJAYA, ProductFactory
from villages.models import Village

SHAPE_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
COMBINATIONS = list(itertools.product([False, True], repeat=3))


def headers_for(combination: tuple[bool, bool, bool]) -> dict[str, str]:
    return {name: "true" for name, on in zip(SHAPE_HEADERS, combination, strict=True) if on}


def expected_shape(combination: tuple[bool, bool, bool]) -> str:
    htmx, boosted, restore = combination
    return "page" if not htmx else ("htmx-page" if boosted or restore else "fragment")


def shape_of(html: str) -> str:
    # A whole page has the document around it; htmx's answers carry the out-of-band language switch.
    if "<html" not in html:
        return "fragment"
    return "htmx-page" if 'hx-swap-oob="true"' in html else "page"


# --- item 2: the htmx headers and the cache key -----------------------------------------------------


@pytest.mark.django_db
def test_a_boosted_request_cannot_poison_the_search_boxs_fragment(client):
    ProductFactory(name="Keripik Emping")
    url = reverse("catalogue:list") + "?q=emping"
    boosted = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert boosted.status_code == 200 and "<html" in boosted.content.decode()

    typed = client.get(url, headers={"HX-Request": "true"})  # the next visitor types in the search box

    html = typed.content.decode()
    assert typed["X-Cache"] == "miss"
    assert "<html" not in html and "Keripik Emping" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "combination",
    COMBINATIONS,
    ids=lambda c: "-".join(f"{n}{int(on)}" for n, on in zip("rbh", c, strict=True)),
)
def test_every_htmx_header_combination_gets_its_own_shape_whatever_was_cached_before(client, combination):
    ProductFactory(name="Keripik Emping")
    url = reverse("catalogue:list") + "?q=emping"
    for earlier in COMBINATIONS:  # every other shape cached first, this one last
        if earlier != combination:
            client.get(url, headers=headers_for(earlier))

    response = client.get(url, headers=headers_for(combination))

    assert shape_of(response.content.decode()) == expected_shape(combination)
    again = client.get(url, headers=headers_for(combination))
    assert again["X-Cache"] == "hit" and shape_of(again.content.decode()) == expected_shape(combination)


@pytest.mark.django_db
def test_cached_public_pages_vary_on_every_header_that_shapes_them(client):
    response = client.get(reverse("catalogue:list"))
    varies = {name.strip().lower() for name in response["Vary"].split(",")}
    assert {"hx-request", "hx-boosted", "hx-history-restore-request", "cookie"} <= varies


@pytest.mark.django_db
def test_a_page_cached_over_http_is_not_served_over_https(client, settings):
    settings.SECURE_SSL_REDIRECT = False  # e.g. TLS ended at the proxy, which redirects itself
    url = reverse("catalogue:list")
    client.get(url)
    secure = client.get(url, secure=True)
    assert secure["X-Cache"] == "miss"
    # Links that leave the page name the public address whichever scheme asked (core.links).
    assert f'<link rel="canonical" href="{settings.OVOP_PUBLIC_URL}{url}">' in secure.content.decode()


def test_no_public_view_or_template_reads_a_request_header_the_cache_key_ignores():
    """The cache key holds the language (cookie), host, address and the htmx shape: a view or template
    that starts reading another header must be added to the key (core.caching) first. The cache itself
    also reads Accept-Encoding, which chooses how the same bytes are sent (gzipped or not), not what
    they are, and which its Vary header names."""
    base = Path(settings.BASE_DIR)
    read = set()
    header_read = r"request\.headers(?:\.get\(|\[)\s*[\"']([\w-]+)"
    for path in [base / "catalogue" / "views.py", base / "core" / "caching.py"]:
        text = path.read_text()
        assert "META" not in text, path
        if path.name == "caching.py":
            encoding = set(re.findall(header_read, text)) - set(page_cache.SHAPE_HEADERS)
            assert encoding == {"Accept-Encoding"} and "Accept-Encoding" in page_cache.VARY_HEADERS
            continue
        read |= set(re.findall(header_read, text))
    for path in (base / "templates").rglob("*.html"):
        text = path.read_text()
        read |= {name.replace("_", "-") for name in re.findall(r"request\.headers\.(\w+)", text)}
        assert "request.META" not in text, path
    assert {name.lower() for name in read} <= {name.lower() for name in page_cache.SHAPE_HEADERS}


# --- item 8: invalidation on commit, and writes that send no signals ---------------------------------


@pytest.mark.django_db
def test_the_public_version_moves_again_when_the_write_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory()
        product.name = "Nama Baru"
        product.save()
        during = page_cache.public_version()
    assert page_cache.public_version() > during


@pytest.mark.django_db
def test_many_writes_in_one_transaction_bump_once_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for product in ProductFactory.create_batch(3):
            product.story = "Cerita baru"
            product.save()
    bumps = [c for c in callbacks if c in page_cache._COMMIT_BUMPS.values()]
    assert len(bumps) == 2  # the public pages' version and the figures' version, once each


@pytest.mark.django_db(transaction=True)
def test_a_page_read_between_save_and_commit_is_not_served_after_the_commit(regions, client):
    if connection.vendor != "postgresql":
        pytest.skip("a read from a second connection while a write is open needs PostgreSQL's MVCC")
    product = ProductFactory(name="Nama Lama")
    url = product.get_public_url()

    def edit() -> None:
        writer = Product.objects.get(pk=product.pk)
        writer.name = "Nama Baru"
        writer.save()

    between = _while_a_write_is_open(edit, lambda: client.get(url))  # the visitor in the gap
    assert "Nama Lama" in between.content.decode() and between["X-Cache"] == "miss"

    after = client.get(url)

    assert "Nama Baru" in after.content.decode() and "Nama Lama" not in after.content.decode()


def _while_a_write_is_open(write, read) -> object:
    """Run `write` in a transaction on a second connection, and `read` after the write but before the
    commit; return what `read` gave."""
    saved, read_done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        from django.db import connection as writer_connection
        from django.db import transaction

        try:
            with transaction.atomic():
                write()
                saved.set()
                assert read_done.wait(timeout=30), "the reader never read"
        except BaseException as error:  # shown by the main thread
            failures.append(error)
            saved.set()
        finally:
            writer_connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert saved.wait(timeout=30)
    try:
        return read()
    finally:
        read_done.set()
        thread.join(timeout=30)
        assert not failures, failures


@pytest.mark.django_db(transaction=True)
def test_figures_computed_between_save_and_commit_are_not_served_after_the_commit(regions):
    if connection.vendor != "postgresql":
        pytest.skip("a read from a second connection while a write is open needs PostgreSQL's MVCC")
    ProductFactory()

    def figures() -> dict:
        return page_cache.cached_figures("test", "all", lambda: {"products": Product.objects.count()})

    assert figures() == {"products": 1}
    between = _while_a_write_is_open(lambda: ProductFactory(), figures)
    assert between == {"products": 1}  # the writer has not committed yet

    assert figures() == {"products": 2}


def _public_product_page(client, product: Product) -> str:
    return client.get(product.get_public_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bulk_write",
    [
        pytest.param(lambda p: Product.objects.filter(pk=p.pk).update(name="Nama Baru"), id="update"),
        pytest.param(
            lambda p: Product.objects.bulk_update([Product(pk=p.pk, name="Nama Baru")], ["name"]),
            id="bulk_update",
        ),
        pytest.param(
            lambda p: Village.objects.filter(code=BUMIJAYA).update(name="Nama Baru"), id="region_update"
        ),
    ],
)
def test_a_write_that_sends_no_signal_still_clears_the_cached_pages(client, bulk_write):
    product = ProductFactory(name="Nama Lama")
    _public_product_page(client, product)
    assert client.get(product.get_public_url())["X-Cache"] == "hit"

    bulk_write(product)

    response = client.get(product.get_public_url())
    assert response["X-Cache"] == "miss" and "Nama Baru" in response.content.decode()


@pytest.mark.django_db
def test_a_search_text_refresh_clears_the_cached_search_results(client):
    product = ProductFactory(name="Keripik Emping")
    url = reverse("catalogue:list") + "?q=tangkil"
    assert "Keripik Emping" not in client.get(url).content.decode()
    Product.objects.filter(pk=product.pk).update(story="Dari melinjo tangkil")  # no signal, no refresh
    search_refresh([product.pk])  # bulk_update, as the command does
    assert "Keripik Emping" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_write_without_signals_clears_the_officials_figures():
    computed = []

    def compute() -> dict:
        computed.append(1)
        return {"n": len(computed)}

    product = ProductFactory()
    assert page_cache.cached_figures("test", "all", compute) == {"n": 1}
    assert page_cache.cached_figures("test", "all", compute) == {"n": 1}
    Product.objects.filter(pk=product.pk).update(status=Product.Status.DRAFT)
    assert page_cache.cached_figures("test", "all", compute) == {"n": 2}


def test_every_table_a_page_or_figure_reads_is_watched_and_history_is_not():
    public, figures = _tables(public=True), _tables(public=False)
    for table in [
        "products_product",
        "products_product_producers",
        "products_producer",
        "products_productphoto",
        "products_designation",
        "products_assessmentscore",
        "villages_village",
        "villages_regency",
        "assistance_delivery",
        "assistance_mentoringvisit",  # the public assistance summary lists visits
    ]:
        assert table in public and table in figures, table
    assert "villages_officerarea" not in public and "villages_officerarea" in figures
    assert not any("historical" in table for table in figures)
    assert "django_session" not in figures
