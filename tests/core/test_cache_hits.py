"""A cached public page is one Redis round trip and answers exactly what the view answered (issue 19,
cache hits near the ceiling), without giving up what core.caching promises: a page of an older version
is never served, and a version that cannot be trusted is neither read nor stored."""

import gzip

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.clickjacking import xframe_options_exempt

from core import caching as page_cache
from tests.factories import ProductFactory
from tests.portal.test_redis_faults import own_redis, redis_cache, redis_calls  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _anonymous_get(path: str = "/produk/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def _counting_view(answer=lambda: HttpResponse("<p>halaman</p>")):
    calls = []

    def view(request):
        calls.append(request)
        return answer()

    return page_cache.cache_public_page(view), calls


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
