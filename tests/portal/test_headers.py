"""Response headers: officials' pages and exports are never kept by a browser (`private, no-store`, for
shared office computers), anonymous public pages keep their caching, and HEAD answers like GET.

The URLs come from the access table of test_access.py, so a new page is covered as soon as it is listed
there."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.cache import get_max_age

from officials.spreadsheets import EXPORTS, IMPORTS
from tests.portal.test_access import (
    EXPECTED,
    PUBLIC,
    PUBLIC_ANY,
    urls_for,
    world,  # noqa: F401 (the objects every URL of the table points at)
)

pytestmark = pytest.mark.django_db

# Pages an anonymous visitor may see that are part of the public site (not the sign-in flow).
SIGN_IN = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Readiness answers a probe about this moment: public, but never stored (jobs/health.py).
PROBES = {"ready"}
PUBLIC_SITE = sorted(
    name
    for name, (expected, _kwargs) in EXPECTED.items()
    if expected in (PUBLIC, PUBLIC_ANY) and name not in SIGN_IN | PROBES
)
# Public, but answers 400 without its parameters (the map's points of a bounding box).
PUBLIC_WITH_PARAMETERS = {"catalogue:map_points"}
NOT_PUBLIC = sorted(
    name
    for name in EXPECTED
    if name not in {*PUBLIC_SITE, *PUBLIC_WITH_PARAMETERS, "catalogue:choose_language"}
)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def never_stored(response) -> bool:
    directives = cache_control(response)
    return (
        {"private", "no-store"} <= directives
        and "public" not in directives
        and get_max_age(response) in (None, 0)
    )


def urls(names: list[str], objects: dict) -> list[str]:
    return [url for name in names for url in urls_for(name, objects)]


@pytest.fixture
def table(request):
    """The objects every URL of the access table points at (one set per test: building it is slow)."""
    return request.getfixturevalue("world")


def test_every_page_answers_signed_in_officials_with_private_no_store(table, officer_a_client, dinas_client):
    stored = [
        f"{who} {url}: {response.get('Cache-Control')!r}"
        for who, http in (("officer_a", officer_a_client), ("dinas", dinas_client))
        for url in urls(list(EXPECTED), table)
        if not never_stored(response := http.get(url))
    ]
    assert stored == []


def test_every_page_outside_the_public_site_is_private_even_for_an_anonymous_visitor(table, client):
    stored = [
        f"{url}: {response.get('Cache-Control')!r}"
        for url in urls(NOT_PUBLIC, table)
        if not never_stored(response := client.get(url))
    ]
    assert stored == []


def test_public_pages_keep_their_caching_for_an_anonymous_visitor(table, client):
    for url in urls(PUBLIC_SITE, table):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = cache_control(response)
        assert "no-store" not in directives and "private" not in directives, url


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_and_import_template_is_private_and_never_stored(
    fmt, table, officer_a_client, dinas_client
):
    downloads = [reverse("officials:export", args=[what, fmt]) for what in EXPORTS] + [
        reverse("officials:import_template", args=[kind, fmt]) for kind in IMPORTS
    ]
    for http in (officer_a_client, dinas_client):
        for url in downloads:
            response = http.get(url)
            assert response.status_code == 200, url
            assert "attachment" in response["Content-Disposition"], url
            assert never_stored(response), f"{url}: {response.get('Cache-Control')!r}"


def test_a_public_page_seen_by_an_official_is_never_put_in_the_public_cache(table, dinas_client, client):
    url = reverse("catalogue:product", kwargs={"slug": table["product"].slug})
    official = dinas_client.get(url)
    assert official.status_code == 200
    assert never_stored(official)
    assert "X-Cache" not in official  # the public cache was not consulted

    first_visitor = client.get(url)
    assert first_visitor["X-Cache"] == "miss"  # the official's page was not stored for visitors
    assert not cache_control(first_visitor) & {"no-store", "private"}
    assert client.get(url)["X-Cache"] == "hit"


def test_signing_out_and_signing_in_are_never_stored(client, dinas_client, dinas):
    assert never_stored(dinas_client.post(reverse("logout")))
    assert never_stored(client.get(reverse("login")))
    assert never_stored(client.post(reverse("login"), {"username": dinas.username, "password": "salah"}))


# --- HEAD ----------------------------------------------------------------------------------------------

# Headers that may differ between two answers to the same request.
VOLATILE = {"X-Cache", "Expires", "Date"}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def comparable(response) -> tuple[int, dict]:
    headers = {key: value for key, value in response.headers.items() if key not in VOLATILE}
    return response.status_code, headers


def test_head_answers_like_get_on_every_url_for_a_visitor_and_an_official(table, client, dinas_client):
    different = []
    for http in (client, dinas_client):
        for url in urls(list(EXPECTED), table):
            cache.clear()
            # A message left by the previous URL (e.g. a redirect that explains itself) shows once, on
            # whichever page renders next: drop it, so the GET and the HEAD see the same state.
            http.cookies.pop("messages", None)  # django.contrib.messages CookieStorage
            got = http.get(url)
            cache.clear()
            http.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # the language switch set it
            head = http.head(url)
            http.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
            if comparable(head) != comparable(got) or body(head) != b"":
                different.append(f"{url}: GET {comparable(got)} HEAD {comparable(head)}")
    assert different == []


def test_head_on_every_public_page_is_answered_without_a_body(table, client):
    for url in urls(PUBLIC_SITE, table):
        response = client.head(url)
        assert (response.status_code, body(response)) == (200, b""), url
