import pytest
from django.urls import reverse

from tests.factories import BUMIJAYA, ProductFactory, UserFactory, make_officer

pytestmark = pytest.mark.django_db


def test_home_shows_the_regency_and_its_counts(client, django_assert_num_queries):
    with django_assert_num_queries(6):
        # 1 desa and kelurahan counts, 2 flagship count, 3 kecamatan with flagship counts,
        # 4 featured flagships (none, so no cover photo query), 5 categories with products, 6 the regency
        response = client.get(reverse("catalogue:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kabupaten Serang" in html
    assert response.context["district_count"] == 29
    assert response.context["desa_count"] + response.context["kelurahan_count"] == 326
    assert '<html lang="id">' in html


def test_the_kecamatan_list_shows_all_29_on_one_page(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        # 1 the served regency, 2 count for the paginator, 3 the kecamatan with their village counts
        response = client.get(reverse("villages:district_list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 29
    assert "Ciruas" in response.content.decode()


def test_the_kecamatan_list_is_searchable_by_name_and_code(client):
    by_name = client.get(reverse("villages:district_list"), {"q": "ciru"})
    assert [d.name for d in by_name.context["page_obj"]] == ["Ciruas"]
    by_code = client.get(reverse("villages:district_list"), {"q": "36.04.09"})
    assert [d.code for d in by_code.context["page_obj"]] == ["36.04.09"]


def test_a_kecamatan_page_lists_its_villages(client, django_assert_num_queries):
    with django_assert_num_queries(5):
        # 1 the kecamatan with counts, 2 its flagship count, 3 paginator count, 4 the villages,
        # 5 the served regency
        response = client.get(reverse("catalogue:district_detail", args=["36.04.09"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kecamatan Ciruas" in html
    assert "Bumijaya" in html
    assert response.context["page_obj"].paginator.count == 15


def test_an_unknown_or_foreign_kecamatan_is_404(client):
    assert client.get(reverse("catalogue:district_detail", args=["36.04.99"])).status_code == 404
    assert client.get(reverse("catalogue:district_detail", args=["<script>"])).status_code == 404


def test_the_village_list_is_paginated_and_searchable(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        # 1 the served regency, 2 paginator count, 3 the villages with their kecamatan
        response = client.get(reverse("villages:village_list"))
    assert response.context["page_obj"].paginator.count == 326
    assert len(response.context["page_obj"].object_list) == 30
    page_two = client.get(reverse("villages:village_list"), {"page": "2"})
    assert page_two.context["page_obj"].number == 2
    found = client.get(reverse("villages:village_list"), {"q": "bumijaya"})
    assert [v.code for v in found.context["page_obj"]] == ["36.04.09.2009"]
    by_code = client.get(reverse("villages:village_list"), {"q": "36.04.09.2009"})
    assert by_code.context["page_obj"].paginator.count == 1


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1.5", "%00"])
def test_a_malformed_page_number_gives_a_page_not_an_error(client, page):
    response = client.get(reverse("villages:village_list"), {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["villages:district_list", "villages:village_list"])
def test_a_nul_character_in_the_search_is_refused_rather_than_failing_on_postgresql(client, name):
    response = client.get(reverse(name), {"q": "Cir\x00uas"})
    assert response.status_code == 400  # RefuseNulCharactersMiddleware, before any query
    assert "Alamat ini tidak dapat dibaca" in response.content.decode()


def test_an_officials_village_page_with_a_malformed_code_is_404(client, dinas):
    client.force_login(dinas)
    for name in ["officials:village_registry", "products:designation_propose", "assistance:village_timeline"]:
        for code in ["36.04.09", "abc", "36.04.09.2009' --"]:
            response = client.get(reverse(name, args=[code]))
            assert response.status_code == 404, (name, code)
        assert client.get(reverse(name, args=["36.04.09.2009\x00"])).status_code == 400  # the middleware


def test_a_search_that_finds_nothing_says_so_and_escapes_the_query(client):
    response = client.get(reverse("villages:village_list"), {"q": "<b>zzz</b>"})
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 0
    assert "Tidak ada desa atau kelurahan yang cocok" in html
    assert "<b>zzz</b>" not in html
    assert "&lt;b&gt;zzz&lt;/b&gt;" in html


def test_the_village_page_shows_its_code_kind_and_kecamatan(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        # 1 the village with kecamatan, regency and province, 2 its published products (none, so no
        # photo, producer or assistance queries), 3 the served regency
        response = client.get(reverse("catalogue:village_detail", args=["36.04.09.2009"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Desa Bumijaya" in html
    assert "36.04.09.2009" in html
    assert "Ciruas" in html
    assert "Banten" in html


def test_a_village_outside_the_served_regency_is_404(client):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_regions", "19.05", verbosity=0, stdout=StringIO())
    assert client.get(reverse("catalogue:village_detail", args=["19.05.01.2006"])).status_code == 404


def test_the_pages_switch_to_english_and_keep_the_page(client):
    page = reverse("catalogue:district_detail", args=["36.04.09"])
    response = client.get(reverse("catalogue:choose_language", args=["en"]), {"next": page})
    assert response.status_code == 302
    assert response["Location"] == "/en" + page  # the same page, at its English address
    english = client.get(response["Location"])
    assert '<html lang="en">' in english.content.decode()
    assert "District" in english.content.decode()


def test_the_language_switch_is_on_every_page(client):
    for url in [reverse("catalogue:home"), reverse("catalogue:list"), reverse("villages:village_list")]:
        html = client.get(url).content.decode()
        assert f'href="/bahasa/en/?next={url.replace("/", "%2F")}"' in html


def test_officials_home_needs_sign_in(client):
    response = client.get(reverse("officials:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_and_out(client, admin_user):
    response = client.post(reverse("login"), {"username": "admin", "password": "pw-admin-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("officials:home")
    assert "Selamat datang" in client.get(reverse("officials:home")).content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("officials:home")).status_code == 302


def test_a_wrong_password_is_answered_in_indonesian(client, admin_user):
    response = client.post(reverse("login"), {"username": "admin", "password": "wrong"})
    assert response.status_code == 200
    assert "dan sandi yang benar" in response.content.decode()


def test_pages_send_a_content_security_policy_of_own_assets_only(client):
    policy = client.get(reverse("catalogue:home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    # The one outside source: the map's tile server, for images only.
    outside = [part for part in policy.split(";") if "http" in part]
    assert outside == [" img-src 'self' data: https://tile.openstreetmap.org"]


def test_an_english_browser_still_gets_indonesian_until_it_chooses(client):
    html = client.get(reverse("catalogue:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html
    english = client.get(reverse("catalogue:choose_language", args=["en"]), {"next": "/"})["Location"]
    assert '<html lang="en">' in client.get(english).content.decode()


def test_page_titles_hold_plain_text(client, admin_client):
    import re

    urls = [
        reverse("catalogue:home"),
        reverse("villages:district_list"),
        reverse("catalogue:district_detail", args=["36.04.09"]),
        reverse("villages:village_list"),
        reverse("catalogue:village_detail", args=["36.04.09.2009"]),
    ]
    officials = [
        reverse("officials:village_list"),
        reverse("officials:village_registry", args=["36.04.09.2009"]),
        reverse("products:product_list"),
        reverse("products:designation_list"),
        reverse("products:assessment_due"),
    ]
    for url, who in [(u, client) for u in urls] + [(u, admin_client) for u in officials]:
        html = who.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title and len(title) < 120, (url, title)
        assert html.count("<h1") == 1, url


def test_the_officials_home_counts_the_officers_area(client, django_assert_num_queries):
    officer = make_officer("petugas-ciruas", "36.04.09")
    ProductFactory(village_id=BUMIJAYA)
    client.force_login(officer)
    with django_assert_num_queries(11):
        # 1 session, 2 user, 3 groups, 4 officer areas, 5 statuses per kecamatan, 6 proposals,
        # 7 expiring documents, 8 expired documents, 9 assessments due, 10 the served regency,
        # 11 the officer's kecamatan names (the welcome)
        response = client.get(reverse("officials:home"))
    assert response.context["statuses"]["all"] == 15
    assert response.context["statuses"]["has_products"] == 1
    assert response.context["assessments_due"] == 1


def test_a_signed_in_user_without_a_role_is_told_so(client):
    client.force_login(UserFactory(username="warga"))
    assert "belum memiliki peran" in client.get(reverse("officials:home")).content.decode()


def test_an_empty_choice_reads_in_indonesian(officer_a_client):
    """Django 6.1's blank choice label has no Indonesian translation of its own (locale/id)."""
    html = officer_a_client.get(reverse("products:product_create")).content.decode()
    assert "- Pilih -" in html
    assert "Select an option" not in html


def test_a_village_is_named_with_its_kind_in_the_active_language(db):
    from django.utils import translation

    from villages.models import Village

    desa = Village(code="36.04.09.2001", kind=Village.Kind.DESA, name="Bumijaya")
    kelurahan = Village(code="36.73.01.1001", kind=Village.Kind.KELURAHAN, name="Cipare")
    assert (str(desa), str(kelurahan)) == ("Desa Bumijaya", "Kelurahan Cipare")
    with translation.override("en"):
        assert (str(desa), str(kelurahan)) == ("Village Bumijaya", "Urban village Cipare")
        assert str(desa) == f"{desa.get_kind_display()} Bumijaya"  # as Django's own display names it
