"""The officials' village situation pages: counts per situation and kecamatan, the filtered list with
reasons and help, the explicit flag on the village page, who may see and do what, and query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance.models import HelpFlag, Situation
from tests.factories import (
    BUMIJAYA,
    CIRUAS,
    DeliveryFactory,
    DesignationFactory,
    MentoringVisitFactory,
    OutcomeRecordFactory,
    ProductFactory,
    ProgrammeFactory,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def flagship(code: str = BUMIJAYA, visited: bool = True):
    """A flagship designated long ago; visited lately (thriving) or never (needs help)."""
    product = ProductFactory(village_id=code, name=f"Unggulan {code}")
    DesignationFactory(product=product, approved=True, decree_date=TODAY - datetime.timedelta(days=400))
    if visited:
        MentoringVisitFactory(product=product, visited_on=TODAY - datetime.timedelta(days=5))
        last = (TODAY.year * 4 + (TODAY.month - 1) // 3) - 1  # the last finished quarter
        for index in (last - 1, last):
            OutcomeRecordFactory(product=product, year=index // 4, quarter=index % 4 + 1)
    return product


def ciruas_villages(count: int) -> list[Village]:
    return list(Village.objects.filter(district_id=CIRUAS).exclude(code=BUMIJAYA).order_by("code")[:count])


URL = reverse("officials:situations")


def test_the_list_counts_villages_per_situation_and_kecamatan_with_links(client, officer_a):
    flagship()
    flagship(ciruas_villages(1)[0].code, visited=False)
    client.force_login(officer_a)
    response = client.get(URL)
    assert response.status_code == 200
    counts = response.context["counts"]
    assert [row["code"] for row in counts["districts"]] == [CIRUAS]
    assert counts["total"]["thriving"] == 1 and counts["total"]["needs_help"] == 1
    html = response.content.decode()
    assert f'href="?kecamatan={CIRUAS}&amp;situasi=needs_help">1</a>' in html
    assert 'href="?situasi=thriving">1</a>' in html


def test_the_needs_help_list_shows_why_the_help_called_for_and_what_was_received(client, officer_a):
    needy = ciruas_villages(1)[0]
    product = flagship(needy.code, visited=False)
    DeliveryFactory(
        programme=ProgrammeFactory(kind="pendampingan", name="Pendampingan UMKM"),
        product=product,
        delivered_on=datetime.date(2026, 2, 3),
    )
    flagship()
    client.force_login(officer_a)
    response = client.get(URL, {"situasi": Situation.NEEDS_HELP})
    villages = list(response.context["page_obj"])
    assert [v.code for v in villages] == [needy.code]
    html = response.content.decode()
    assert "Belum pernah dikunjungi pendamping sejak ditetapkan" in html
    assert "Pendampingan" in html and "diterima 3 Feb 2026" in html
    assert "3 Feb 2026: Pendampingan · Pendampingan UMKM" in html
    assert "Permodalan" in html and "belum diterima" in html


def test_the_list_filters_by_kecamatan_and_ignores_unknown_values(client, dinas):
    ProductFactory()
    client.force_login(dinas)
    filtered = client.get(URL, {"situasi": "has_products", "kecamatan": CIRUAS})
    assert [v.code for v in filtered.context["page_obj"]] == [BUMIJAYA]
    assert "2 produk" not in filtered.content.decode() and "1 produk terdaftar" in filtered.content.decode()
    unknown = client.get(URL, {"situasi": "bogus", "kecamatan": "99.99.99"})
    assert unknown.context["situation"] == "" and unknown.context["district"] == ""
    assert unknown.context["page_obj"].paginator.count == Village.objects.in_service_area().count()


def test_an_officer_sees_only_their_own_kecamatan(client, officer_b):
    flagship()
    client.force_login(officer_b)
    response = client.get(URL, {"kecamatan": CIRUAS})
    assert CIRUAS not in [row["code"] for row in response.context["counts"]["districts"]]
    assert response.context["counts"]["total"]["thriving"] == 0
    assert "Bumijaya" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (
        URL,
        reverse("officials:help_flag_raise", args=[BUMIJAYA]),
        reverse("officials:help_flag_clear", args=[BUMIJAYA]),
    ):
        response = client.post(url, {"reason": "x", "note": "x"})
        assert response.status_code == 302 and reverse("login") in response.url
    assert not HelpFlag.objects.exists()


def test_an_officer_of_another_kecamatan_gets_404_on_the_flag_by_typed_url(client, officer_a, officer_b):
    flagship()
    client.force_login(officer_b)
    response = client.post(reverse("officials:help_flag_raise", args=[BUMIJAYA]), {"reason": "Coba"})
    assert response.status_code == 404
    assert not HelpFlag.objects.exists()
    HelpFlag.objects.create(village_id=BUMIJAYA, reason="Asli", raised_by=officer_a, raised_at=timezone.now())
    response = client.post(reverse("officials:help_flag_clear", args=[BUMIJAYA]), {"note": "Coba"})
    assert response.status_code == 404
    assert HelpFlag.objects.get().is_open


def test_an_officer_raises_and_clears_the_flag_from_the_village_page(client, officer_a, dinas):
    flagship()
    client.force_login(officer_a)
    page = reverse("officials:village_registry", args=[BUMIJAYA])
    html = client.get(page).content.decode()
    assert (
        "Unggulan berkembang baik" in html and reverse("officials:help_flag_raise", args=[BUMIJAYA]) in html
    )
    response = client.post(reverse("officials:help_flag_raise", args=[BUMIJAYA]), {"reason": "Perajin sakit"})
    assert response.status_code == 302 and response.url == page
    flag = HelpFlag.objects.get()
    assert flag.raised_by == officer_a and flag.is_open
    html = client.get(page).content.decode()
    assert "Unggulan perlu bantuan" in html and "Ditandai oleh petugas: Perajin sakit" in html
    assert reverse("officials:help_flag_clear", args=[BUMIJAYA]) in html
    client.force_login(dinas)
    response = client.post(reverse("officials:help_flag_clear", args=[BUMIJAYA]), {"note": "Sudah pulih"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert not flag.is_open and flag.cleared_by == dinas and flag.clearing_note == "Sudah pulih"
    assert "Unggulan berkembang baik" in client.get(page).content.decode()


def test_bad_input_and_refusals_change_nothing_and_say_why(client, officer_a):
    client.force_login(officer_a)
    raise_url = reverse("officials:help_flag_raise", args=[BUMIJAYA])
    response = client.post(raise_url, {"reason": "Perlu"}, follow=True)
    assert "belum memiliki produk unggulan" in response.content.decode()
    flagship()
    response = client.post(raise_url, {"reason": ""}, follow=True)
    assert "Tuliskan alasan" in response.content.decode()
    response = client.post(reverse("officials:help_flag_clear", args=[BUMIJAYA]), {"note": "x"}, follow=True)
    assert "tidak sedang ditandai" in response.content.decode()
    assert not HelpFlag.objects.exists()
    assert client.get(raise_url).status_code == 405


def test_the_menu_links_the_situation_page(client, officer_a):
    client.force_login(officer_a)
    assert f'href="{URL}"' in client.get(reverse("officials:home")).content.decode()


def test_the_dashboard_shows_what_each_situation_received_this_year(client, dinas):
    DeliveryFactory(
        programme=ProgrammeFactory(kind="penggalian", fiscal_year=TODAY.year), delivered_on=TODAY
    )  # Bumijaya has nothing yet: a village with no product that got the stimulus
    client.force_login(dinas)
    figures = client.get(reverse("officials:dashboard")).context["situation_help"]
    assert figures["kinds"] == ["Penggalian potensi"]
    none = next(row for row in figures["rows"] if row["situation"] == Situation.NONE)
    assert none["counts"] == [1] and none["helped"] == 1
    assert none["villages"] == Village.objects.in_service_area().count()
    thriving = next(row for row in figures["rows"] if row["situation"] == Situation.THRIVING)
    assert thriving["counts"] == [0] and thriving["helped"] == 0


def grow(count: int) -> None:
    for index, village in enumerate(ciruas_villages(count)):
        product = flagship(village.code, visited=bool(index % 2))
        DeliveryFactory(programme=ProgrammeFactory(name=f"Program {index}"), product=product)


@pytest.mark.parametrize("villages", [1, 6])
def test_the_needs_help_list_takes_the_same_queries_however_many_villages(
    client, officer_a, villages, django_assert_num_queries
):
    grow(villages)
    client.force_login(officer_a)
    client.get(URL)  # warm the per-process caches (content types, translations)
    with django_assert_num_queries(15):
        # 1 session, 2 user, 3 groups, 4 the officer's kecamatan, 5 villages per situation and
        # kecamatan (the flagships' signs of needing help in SQL), 6 how many villages the list holds,
        # 7 the page of villages, 8-11 the page's flagships with their latest assessment and open flag,
        # their expired documents, those overdue a mentoring visit, their recent outcome figures,
        # 12 the help per situation, 13 what the page's villages received, 14 the regency (the page
        # header), 15 the kecamatan filter's choices
        # (at most 201 of them: core.widgets.SearchSelect)
        response = client.get(URL, {"situasi": "needs_help"})
    assert len(response.context["page_obj"].object_list) == (villages + 1) // 2


def test_each_list_asked_for_is_kept_until_a_write_changes_a_situation(
    client, officer_a, django_assert_num_queries
):
    """Like the dashboard's figures (core.caching.cached_figures): the counts and the page of a list
    asked for again are read from the cache, each filter and page kept apart; a write (another village's
    neglected flagship) makes the next view count afresh."""
    neglected = flagship(ciruas_villages(1)[0].code, visited=False)
    client.force_login(officer_a)
    first = client.get(URL, {"situasi": "needs_help"})
    assert [v.code for v in first.context["page_obj"]] == [neglected.village_id]
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 groups, 4 officer areas, 5 the kecamatan filter's choices, 6 the regency
        again = client.get(URL, {"situasi": "needs_help"})
    assert [v.code for v in again.context["page_obj"]] == [neglected.village_id]
    assert again.context["page_obj"].paginator.count == 1
    assert client.get(URL, {"situasi": "thriving"}).context["page_obj"].paginator.count == 0  # kept apart

    another = flagship(ciruas_villages(2)[1].code, visited=False)

    after = client.get(URL, {"situasi": "needs_help"})
    assert {v.code for v in after.context["page_obj"]} == {neglected.village_id, another.village_id}
    assert after.context["counts"]["total"]["needs_help"] == 2
