"""The error pages, as a visitor sees them in production (DEBUG off): branded, in the chosen language,
useful (a 404 offers the catalogue search and the way home), never showing what went wrong inside,
and still there when the database is down."""

import re
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from ovop_portal import errors

pytestmark = pytest.mark.django_db

INTERNALS = ("Traceback", "Exception", "Using the URLconf", "DEBUG", "django.", "Page not found", "Forbidden")


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    settings.CSRF_FAILURE_VIEW = "ovop_portal.errors.csrf_failure"  # to be set in settings.py


@pytest.fixture
def visitor(client):
    client.raise_request_exception = False
    return client


@contextmanager
def database_down():
    """Every query fails as it would with the database server gone."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 10.0.0.5 port 5432 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def page(response) -> str:
    html = response.content.decode()
    for internal in INTERNALS:
        assert internal not in html, internal
    assert "10.0.0.5" not in html and "Connection refused" not in html
    return html


def in_portal_layout(html: str) -> bool:
    return 'aria-label="Navigasi utama"' in html or 'aria-label="Main navigation"' in html


# 404 --------------------------------------------------------------------------------------------------


def test_an_unknown_address_gets_the_portals_404_with_the_catalogue_search_and_the_way_home(visitor):
    response = visitor.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = page(response)
    assert in_portal_layout(html)
    assert '<h1 class="h3 mb-3">Halaman tidak ditemukan</h1>' in html
    search = re.search(r'<form method="get" action="([^"]+)"[^>]*role="search">(.*?)</form>', html, re.S)
    assert search.group(1) == reverse("catalogue:list")
    assert 'name="q"' in search.group(2) and "Cari" in search.group(2)
    assert f'href="{reverse("catalogue:home")}"' in html and "Kembali ke beranda" in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_404_search_box_finds_in_the_catalogue(visitor):
    """The form's field is the one the catalogue reads: sent, it lands on the filtered catalogue."""
    response = visitor.get(reverse("catalogue:list"), {"q": "gerabah"})
    assert response.status_code == 200
    assert response.context["filter"].form.cleaned_data["q"] == "gerabah"


def test_a_missing_object_says_nothing_about_the_query_that_missed(visitor):
    response = visitor.get(reverse("catalogue:product", args=["produk-yang-tidak-ada"]))
    assert response.status_code == 404
    html = page(response)
    assert "Halaman tidak ditemukan" in html and "matches the given query" not in html


def test_the_404_follows_the_language_the_visitor_chose(visitor, settings):
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = visitor.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"
    html = page(response)
    assert '<html lang="en">' in html
    assert "Back to the home page" in html and ">Search</button>" in html
    assert "Kembali ke beranda" not in html


def test_with_the_database_down_the_404_falls_back_to_the_plain_page_and_keeps_search_and_home(visitor):
    with database_down():
        response = visitor.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = page(response)
    assert not in_portal_layout(html)  # the plain layout: no query, no context processor
    assert "Halaman tidak ditemukan" in html and 'class="navbar-brand fw-semibold" href="/">OVOP</a>' in html
    assert f'action="{reverse("catalogue:list")}"' in html and 'name="q"' in html
    assert "Kembali ke beranda" in html


def test_with_the_database_down_the_plain_404_is_still_in_the_chosen_language(visitor, settings):
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_down():
        response = visitor.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    html = page(response)
    assert '<html lang="en">' in html and "Back to the home page" in html
    assert response["Content-Language"] == "en"


def test_should_even_the_plain_page_fail_a_last_static_page_answers(rf, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("template directory missing")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    response = errors.page_not_found(rf.get("/x/"), Exception("x"))
    assert response.status_code == 404
    html = page(response)
    assert "Portal OVOP" in html and "directory" not in html


# 403 ----------------------------------------------------------------------------------------------


def test_a_refused_page_gets_the_portals_403_without_the_reason(officer_a_client):
    officer_a_client.raise_request_exception = False
    response = officer_a_client.get(reverse("assistance:programme_create"))  # Dinas only
    assert response.status_code == 403
    html = page(response)
    assert in_portal_layout(html)
    assert "Akses ditolak" in html and "hubungi admin Dinas" in html
    assert f'href="{reverse("officials:home")}"' in html  # signed in: the way back to their own pages


def test_the_403_never_shows_the_exceptions_message_and_survives_the_database_going_down(rf):
    request = rf.get("/petugas/rahasia/")
    with database_down():
        response = errors.permission_denied(request, PermissionDenied("hanya untuk peran dinas_admin"))
    assert response.status_code == 403
    html = page(response)
    assert "Akses ditolak" in html and "dinas_admin" not in html
    assert f'href="{reverse("login")}"' in html


# 400 ----------------------------------------------------------------------------------------------


def test_a_nul_in_the_address_gets_the_branded_400_in_the_chosen_language(visitor, settings):
    # RefuseNulCharactersMiddleware answers before the language middleware has run.
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = visitor.get(reverse("catalogue:list"), {"q": "gera\x00bah"})
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    html = page(response)
    assert in_portal_layout(html) and '<html lang="en">' in html
    assert "Back to the home page" in html
    assert "NUL character" not in html


def test_a_host_the_portal_does_not_serve_gets_the_branded_400_and_not_the_host_check(visitor, settings):
    settings.ALLOWED_HOSTS = ["ovop.serangkab.go.id"]
    response = visitor.get("/", HTTP_HOST="penyerang.example")
    assert response.status_code == 400
    html = page(response)
    assert "Alamat ini tidak dapat dibaca" in html
    assert "HTTP_HOST" not in html and "ALLOWED_HOSTS" not in html


# A refused CSRF check (a form left open too long) ---------------------------------------------------


def test_a_form_sent_with_an_expired_token_explains_to_reload_it(settings):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    login = reverse("login")
    browser.get(login)  # the form, and its CSRF cookie
    response = browser.post(
        login,
        {"username": "petugas", "password": "x", "csrfmiddlewaretoken": "a" * 64},
        HTTP_REFERER=f"http://testserver{login}",
    )
    assert response.status_code == 403
    html = page(response)
    assert in_portal_layout(html)
    assert "Formulir perlu dimuat ulang" in html and "Muat ulang halaman formulir" in html
    assert f'href="http://testserver{login}">Muat ulang formulir</a>' in html
    assert "CSRF" not in html and "token" not in html.lower().replace("csrfmiddlewaretoken", "")


def test_the_csrf_page_links_back_only_to_the_portals_own_pages(settings):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = browser.post(reverse("login"), {}, HTTP_REFERER="https://penyerang.example/login/")
    assert response.status_code == 403
    html = page(response)
    assert "penyerang" not in html and "Muat ulang formulir</a>" not in html
    assert "Kembali ke beranda" in html


def test_the_csrf_page_follows_the_chosen_language(settings):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = browser.post(reverse("login"), {})
    assert response.status_code == 403
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in page(response)


# 500 and 503 -----------------------------------------------------------------------------------------


def test_a_failure_gets_the_500_page_in_both_languages_and_no_details(visitor, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("kunci rahasia sk_live_123 di /srv/ovop/settings.py")

    monkeypatch.setattr("catalogue.views.Village.objects.in_service_area", broken)
    response = visitor.get("/")
    assert response.status_code == 500
    html = page(response)
    assert "Terjadi kesalahan pada portal" in html and "Something went wrong on the portal" in html
    assert "sk_live_123" not in html and "/srv/ovop" not in html
    assert 'href="/">Beranda · Home</a>' in html


def test_the_500_and_503_pages_render_without_a_single_query(rf, django_assert_num_queries):
    for error, status in [
        (RuntimeError("boom"), 500),
        (OperationalError("could not connect"), 503),
        # A constraint that refused a write is a bug or a race, not an outage: no "come back later".
        (IntegrityError("duplicate key value violates unique constraint"), 500),
    ]:
        with database_down(), django_assert_num_queries(0):
            try:
                raise error
            except type(error):
                response = errors.server_error(rf.get("/"))
        assert response.status_code == status
        html = page(response)
        assert "OVOP" in html and 'lang="id"' in html and 'lang="en"' in html
        assert "boom" not in html and "could not connect" not in html


def test_with_the_database_down_any_page_answers_503_in_both_languages_and_the_chosen_one(visitor, settings):
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with database_down():
        response = visitor.get(reverse("catalogue:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    html = page(response)
    assert '<html lang="en">' in html
    assert (
        "Portal sedang tidak dapat melayani" in html and "The portal cannot serve you at the moment" in html
    )


def test_every_handler_is_wired():
    from ovop_portal import urls

    assert (urls.handler400, urls.handler403, urls.handler404, urls.handler500) == (
        "ovop_portal.errors.bad_request",
        "ovop_portal.errors.permission_denied",
        "ovop_portal.errors.page_not_found",
        "ovop_portal.errors.server_error",
    )
