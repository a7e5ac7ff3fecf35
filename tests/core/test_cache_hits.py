"""A cached public page is one Redis round trip and answers exactly what the view answered (issue 19,
cache hits near the ceiling), without giving up what core.caching promises: a page of an older version
is never served, and a version that cannot be trusted is neither read nor stored."""

import gzip

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import path, resolvers
from django.views.decorators.clickjacking import xframe_options_exempt

from core import caching as page_cache
from tests.factories import ProductFactory
from tests.portal.test_redis_faults import own_redis, redis_cache, redis_calls  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _plain_page(request):
    return HttpResponse("<p>halaman</p>")


def _form_page(request):
    return HttpResponse(f"<form><input name='csrfmiddlewaretoken' value='{get_token(request)}'></form>")


# The addresses of this module's pages (request.urlconf, or pytest.mark.urls): the page cache serves
# only the views marked by cache_public_page.
urlpatterns = [
    path("halaman/", page_cache.cache_public_page(_plain_page)),
    path("formulir/", page_cache.cache_public_page(_form_page)),
    path("biasa/", _plain_page),
]


def _anonymous_get(path: str = "/halaman/", **extra):
    request = RequestFactory().get(path, **extra)
    request.urlconf = __name__
    return request


def _counting_view(answer=lambda: HttpResponse("<p>halaman</p>")):
    """The page cache (PublicPageCacheMiddleware) around a cached view that counts its calls."""
    calls = []

    def view(request):
        request.user = AnonymousUser()
        calls.append(request)
        return answer()

    return page_cache.PublicPageCacheMiddleware(page_cache.cache_public_page(view)), calls


def test_a_hit_is_one_redis_round_trip_for_the_version_and_the_page(client, redis_cache, redis_calls):  # noqa: F811
    url = ProductFactory(name="Gerabah").get_public_url()
    assert client.get(url)["X-Cache"] == "miss"
    redis_calls.clear()

    response = client.get(url)

    assert response["X-Cache"] == "hit" and "Gerabah" in response.content.decode()
    assert redis_calls == ["MGET"]


def test_a_hit_answers_the_headers_and_bytes_of_the_miss(client):
    url = ProductFactory(name="Gerabah").get_public_url()
    miss = client.get(url)
    hit = client.get(url)

    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit.content == miss.content
    assert {k: v for k, v in hit.items() if k != "X-Cache"} == {
        k: v for k, v in miss.items() if k != "X-Cache"
    }


def test_a_page_stored_under_an_older_version_is_a_miss_and_is_replaced():
    view, calls = _counting_view()
    view(_anonymous_get())
    assert view(_anonymous_get())["X-Cache"] == "hit" and len(calls) == 1

    page_cache.invalidate_public_pages()

    assert view(_anonymous_get())["X-Cache"] == "miss" and len(calls) == 2
    assert view(_anonymous_get())["X-Cache"] == "hit" and len(calls) == 2


def test_a_version_that_cannot_be_trusted_neither_serves_nor_stores(monkeypatch):
    view, calls = _counting_view()
    view(_anonymous_get())  # cached under the current version
    monkeypatch.setattr(page_cache, "_bump", lambda key: False)  # Redis does not confirm the bump
    page_cache._unconfirmed.add(page_cache.VERSION_KEY)
    try:
        stored = cache.get(page_cache._key(_anonymous_get()))
        for _ in range(2):
            assert view(_anonymous_get())["X-Cache"] == "miss"
        assert len(calls) == 3
        assert cache.get(page_cache._key(_anonymous_get())) == stored  # nothing stored meanwhile
    finally:
        page_cache._unconfirmed.clear()


def test_a_response_marked_for_a_later_middleware_is_never_cached():
    view, calls = _counting_view(xframe_options_exempt(lambda: HttpResponse("<p>peta</p>")))
    for _ in range(2):
        assert view(_anonymous_get())["X-Cache"] == "miss"
    assert len(calls) == 2


def test_a_response_that_sets_a_cookie_is_never_cached():
    def answer() -> HttpResponse:
        response = HttpResponse("<p>halaman</p>")
        response.set_cookie("pilihan", "1")
        return response

    view, calls = _counting_view(answer)
    for _ in range(2):
        assert view(_anonymous_get())["X-Cache"] == "miss"
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("accept_encoding", "compressed"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("*", True),
        ("gzip;q=0", False),
        ("*;q=0, gzip", True),
        ("gzip;q=0.0, *", False),
        ("br", False),
        ("", False),
    ],
)
def test_a_hit_is_sent_gzipped_only_to_a_visitor_who_accepts_it(client, accept_encoding, compressed):
    url = ProductFactory(name="Gerabah").get_public_url()
    miss = client.get(url, headers={"Accept-Encoding": accept_encoding})

    hit = client.get(url, headers={"Accept-Encoding": accept_encoding})

    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert "Content-Encoding" not in miss and "accept-encoding" in miss["Vary"].lower()
    if compressed:
        assert hit["Content-Encoding"] == "gzip" and gzip.decompress(hit.content) == miss.content
    else:
        assert "Content-Encoding" not in hit and hit.content == miss.content


def test_a_hit_is_answered_before_the_stack_below_the_cache(client, monkeypatch):
    url = ProductFactory(name="Gerabah").get_public_url()
    miss = client.get(url)
    resolved = []
    real_resolve = resolvers.URLResolver.resolve
    monkeypatch.setattr(
        resolvers.URLResolver, "resolve", lambda self, path: resolved.append(path) or real_resolve(self, path)
    )

    hit = client.get(url)

    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert resolved == []  # neither the language middleware nor the handler resolved the address
    assert hit.wsgi_request.resolver_match is None and not hasattr(hit.wsgi_request, "session")


def test_a_visitor_with_a_session_is_served_afresh(client):
    url = ProductFactory(name="Gerabah").get_public_url()
    client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-signed-in"

    response = client.get(url)

    assert "X-Cache" not in response and "Gerabah" in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_page_whose_stack_sets_a_cookie_is_never_cached(client):
    """The CSRF cookie is set by CsrfViewMiddleware after the view answered: the entry is the page as
    the whole stack answered it, so such a page is never kept (it would hand out one visitor's token)."""
    first, second = client.get("/formulir/"), client.get("/formulir/")

    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "miss")
    assert settings.CSRF_COOKIE_NAME in first.cookies


@pytest.mark.urls(__name__)
def test_only_pages_of_cached_views_are_looked_up(client, redis_cache, redis_calls):  # noqa: F811
    assert client.get("/halaman/")["X-Cache"] == "miss" and client.get("/halaman/")["X-Cache"] == "hit"
    redis_calls.clear()

    response = client.get("/biasa/")

    assert response.status_code == 200 and "X-Cache" not in response and redis_calls == []


@pytest.mark.urls(__name__)
def test_the_addresses_remembered_are_bounded_and_long_ones_never_kept(client):
    """Which addresses are a cached view's is remembered per process (an LRU of a few thousand); a
    made-up address of any length must not grow it, nor an endless stream of them beyond its size."""
    page_cache._remembered_cached_page.cache_clear()
    assert client.get("/halaman/")["X-Cache"] == "miss"
    assert page_cache._cached_page(__name__, "/" + "x" * 5000 + "/") is None  # resolved, not kept
    assert page_cache._cached_page(__name__, "/halaman/" + "x" * 300) is None

    info = page_cache._remembered_cached_page.cache_info()
    assert (info.currsize, info.maxsize) == (1, 4096)


def test_a_cache_kept_for_no_time_is_neither_read_nor_stored(client, settings, monkeypatch):
    """OVOP_PUBLIC_CACHE_SECONDS=0 and OVOP_FIGURES_CACHE_SECONDS=0 turn the caches off: nothing is
    compressed, pickled or sent to the cache for a value that would expire at once."""
    ProductFactory(status="published")
    settings.OVOP_PUBLIC_CACHE_SECONDS = settings.OVOP_FIGURES_CACHE_SECONDS = 0
    touched = []
    for name in ("get", "get_many", "set"):
        real = getattr(cache, name)

        def recording(key, *args, _real=real, **kwargs):
            touched.extend([key] if isinstance(key, str) else key)
            return _real(key, *args, **kwargs)

        monkeypatch.setattr(cache, name, recording)
    for _ in range(2):
        response = client.get("/produk/")
        assert response.status_code == 200 and "X-Cache" not in response.headers
    computed = []
    for _ in range(2):
        assert page_cache.cached_figures("uji", "semua", lambda: computed.append(1) or {"n": 1}) == {"n": 1}
    assert computed == [1, 1]
    assert not [key for key in touched if key.startswith(("public-page:", "figures:"))], touched
