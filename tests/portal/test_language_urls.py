"""A public page has one address per language: Indonesian at the addresses printed on QR codes and
certificates, English under /en/. Search engines learn both from the hreflang alternates and the
sitemaps; the language switch keeps the page; the officials' pages keep one address and follow the
visitor's choice (the language cookie)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import BUMIJAYA, CIRUAS, DesignationFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagship():
    return DesignationFactory(product=ProductFactory(name="Gerabah Bumijaya"), approved=True)


def public_pages(flagship) -> list[tuple[str, list]]:
    """(URL name, args) of the public pages that search engines index."""
    return [
        ("catalogue:home", []),
        ("catalogue:list", []),
        ("catalogue:product", [flagship.product.slug]),
        ("catalogue:category", [flagship.product.category.slug]),
        ("catalogue:map", []),
        ("villages:district_list", []),
        ("villages:village_list", []),
        ("catalogue:district_detail", [CIRUAS]),
        ("catalogue:village_detail", [BUMIJAYA]),
        ("regency:about", []),
        ("regency:privacy", []),
    ]


def address(name: str, args: list, language: str) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


def links(response, rel: str) -> dict[str, str]:
    """{hreflang (or "canonical"): href} of the page's <link rel=...> elements."""
    found = {}
    for tag in re.findall(rf'<link rel="{rel}"[^>]*>', response.content.decode()):
        language = re.search(r'hreflang="([^"]+)"', tag)
        found[language.group(1) if language else rel] = re.search(r'href="([^"]+)"', tag).group(1)
    return found


def test_the_indonesian_addresses_are_the_ones_printed_and_linked_until_now(flagship):
    code = flagship.verification_code
    assert [
        reverse("catalogue:home"),
        reverse("catalogue:list"),
        reverse("catalogue:product", args=[flagship.product.slug]),
        reverse("villages:district_list"),
        reverse("villages:village_list"),
        reverse("catalogue:district_detail", args=[CIRUAS]),
        reverse("catalogue:village_detail", args=[BUMIJAYA]),
        reverse("catalogue:verify", args=[code]),
        reverse("regency:about"),
        reverse("catalogue:choose_language", args=["en"]),
        reverse("catalogue:robots"),
        reverse("sitemap-index"),
        reverse("officials:home"),
    ] == [
        "/",
        "/produk/",
        f"/produk/{flagship.product.slug}/",
        "/kecamatan/",
        "/desa/",
        f"/kecamatan/{CIRUAS}/",
        f"/desa/{BUMIJAYA}/",
        f"/verifikasi/{code}/",
        "/tentang/",
        "/bahasa/en/",
        "/robots.txt",
        "/sitemap.xml",
        "/petugas/",
    ]
    # English: the public pages under /en/, the officials' pages and the sitemap where they were.
    with translation.override("en"):
        assert reverse("catalogue:product", args=[flagship.product.slug]) == (
            f"/en/produk/{flagship.product.slug}/"
        )
        assert reverse("catalogue:verify", args=[code]) == f"/en/verifikasi/{code}/"
        assert reverse("officials:home") == "/petugas/"
        assert reverse("sitemap-index") == "/sitemap.xml"
        assert reverse("login") == "/accounts/login/"


def test_each_address_serves_its_own_language_whatever_the_cookie_or_browser_says(client, flagship):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name, args in public_pages(flagship):
        indonesian = client.get(address(name, args, "id"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert indonesian.status_code == 200 and html_lang(indonesian) == "id", name
        assert indonesian["Content-Language"] == "id"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    for name, args in public_pages(flagship):
        english = client.get(address(name, args, "en"))
        assert english.status_code == 200 and html_lang(english) == "en", name
        assert english["Content-Language"] == "en"


def test_indonesian_has_no_second_address_and_unknown_prefixes_are_not_found(client, flagship):
    assert client.get(f"/id/produk/{flagship.product.slug}/").status_code == 404
    assert client.get("/fr/produk/").status_code == 404
    assert client.get("/en/petugas/").status_code == 404  # the officials' pages have one address


def test_the_officials_pages_keep_following_the_visitors_choice(client, dinas):
    assert html_lang(client.get(reverse("login"))) == "id"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert html_lang(client.get(reverse("login"))) == "en"
    client.force_login(dinas)
    assert html_lang(client.get(reverse("officials:home"))) == "en"


def test_a_certificate_is_checked_at_its_printed_address_and_in_english(client, flagship):
    code = flagship.verification_code
    printed = client.get(f"/verifikasi/{code}/")
    assert printed.status_code == 200 and html_lang(printed) == "id"
    assert "Gerabah Bumijaya" in printed.content.decode()
    english = client.get(f"/en/verifikasi/{code}/")
    assert english.status_code == 200 and html_lang(english) == "en"
    assert "Gerabah Bumijaya" in english.content.decode()


def test_the_switch_takes_the_visitor_to_the_same_page_in_the_other_language(client, flagship):
    page = flagship.product.get_public_url() + "?x=1"
    response = client.get(reverse("catalogue:choose_language", args=["en"]), {"next": page})
    assert response.status_code == 302
    assert response["Location"] == f"/en/produk/{flagship.product.slug}/?x=1"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert html_lang(client.get(response["Location"])) == "en"
    # and back, from the English page's own switch
    with translation.override("en"):
        back_switch = reverse("catalogue:choose_language", args=["id"])
    back = client.get(back_switch, {"next": response["Location"]})
    assert back["Location"] == page and back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"


def test_the_switch_keeps_an_officials_page_and_refuses_other_sites(client):
    response = client.get(reverse("catalogue:choose_language", args=["en"]), {"next": "/petugas/"})
    assert response["Location"] == "/petugas/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    away = client.get(reverse("catalogue:choose_language", args=["en"]), {"next": "https://evil.example/"})
    assert away["Location"] == "/en/"  # the home page, in the chosen language


def test_the_switch_on_an_english_page_points_at_the_indonesian_page(client, flagship):
    html = client.get(f"/en/produk/{flagship.product.slug}/").content.decode()
    assert f'href="/en/bahasa/id/?next=%2Fen%2Fproduk%2F{flagship.product.slug}%2F"' in html


def test_every_public_page_names_its_address_in_each_language(client, flagship):
    base = settings.OVOP_PUBLIC_URL
    for name, args in public_pages(flagship):
        indonesian, english = address(name, args, "id"), address(name, args, "en")
        assert english == "/en" + indonesian, name
        expected = {"id": base + indonesian, "en": base + english, "x-default": base + indonesian}
        for own in (indonesian, english):
            response = client.get(own)
            assert links(response, "alternate") == expected, own
            assert links(response, "canonical") == {"canonical": base + own}, own


def test_the_officials_and_sign_in_pages_have_no_language_alternates(client, dinas):
    assert links(client.get(reverse("login")), "alternate") == {}
    client.force_login(dinas)
    assert links(client.get(reverse("officials:home")), "alternate") == {}


def test_the_sitemaps_list_both_languages_with_their_alternates(client, flagship):
    xml = client.get("/sitemap-produk.xml").content.decode()
    indonesian = f"http://testserver/produk/{flagship.product.slug}/"
    english = f"http://testserver/en/produk/{flagship.product.slug}/"
    assert f"<loc>{indonesian}</loc>" in xml and f"<loc>{english}</loc>" in xml
    assert f'<xhtml:link rel="alternate" hreflang="en" href="{english}"/>' in xml
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{indonesian}"/>' in xml
    villages = client.get("/sitemap-desa.xml").content.decode()
    assert villages.count("<url>") == 2 * 326  # Kabupaten Serang's villages, in both languages
    assert "/en/desa/36.04.09.2009/" in villages


def test_robots_txt_stays_at_the_root_and_keeps_crawlers_off_the_switch(client):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /bahasa/" in robots and "Disallow: /en/bahasa/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_a_cached_page_never_serves_one_language_for_the_other(client, flagship):
    indonesian, english = "/produk/", "/en/produk/"
    assert client.get(indonesian)["X-Cache"] == "miss"
    first = client.get(english)
    assert first["X-Cache"] == "miss" and html_lang(first) == "en"
    assert html_lang(client.get(indonesian)) == "id"
    # A visitor who chose English earlier still gets the Indonesian page at its address, from the cache.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cached = client.get(indonesian)
    assert cached["X-Cache"] == "hit" and html_lang(cached) == "id"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    cached = client.get(english)
    assert cached["X-Cache"] == "hit" and html_lang(cached) == "en"
