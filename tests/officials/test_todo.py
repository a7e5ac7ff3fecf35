"""The officials' to-do list (issue 15, item 5): in the official's area, follow-ups due or overdue,
flagships due a visit, legality documents expired or expiring, assessments due; each links to where it
is done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.models import MentoringVisit
from products.models import LegalityDocument
from tests.factories import (
    CIRUAS,
    KRAMATWATU_VILLAGE,
    DesignationFactory,
    LegalityDocumentFactory,
    MentoringVisitFactory,
    ProducerFactory,
    ProductFactory,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TODO = reverse("officials:todo")


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def ciruas_villages() -> list[Village]:
    return list(Village.objects.filter(district_id=CIRUAS).order_by("code"))


@pytest.fixture
def area(settings):
    """Three of each kind in Ciruas (kecamatan A), some that are not due, and one of each in Kramatwatu."""
    settings.OVOP_MENTORING_DAYS = 60
    villages = iter(ciruas_villages())
    objects = {"products": [], "producers": []}
    for n in range(3):
        # a flagship never visited since its designation 61+ days ago: due a visit, and due an assessment
        flagship = DesignationFactory(
            approved=True,
            decree_date=days(-61 - n),
            product__name=f"Unggulan {n}",
            product__village=next(villages),
        ).product
        producer = ProducerFactory(business_name=f"Kelompok {n}", village=flagship.village)
        flagship.producers.add(producer)
        # follow-ups: overdue, due today and due within the two weeks ahead
        MentoringVisitFactory(
            product=None,
            producer=producer,
            visited_on=days(-90),
            next_action=f"Tindak lanjut {n}",
            next_action_due=days(-1 + 7 * n),
        )
        LegalityDocumentFactory(product=flagship, number=f"PIRT-{n}", expires_on=days(-5 + 30 * n))
        LegalityDocumentFactory(producer=producer, kind="nib", number=f"NIB-{n}", expires_on=days(10 + n))
        objects["products"].append(flagship)
        objects["producers"].append(producer)
    # not on the list: a follow-up a month ahead, a closed one, a flagship visited lately, a valid document
    quiet = DesignationFactory(
        approved=True, decree_date=days(-300), product__name="Dikunjungi", product__village=next(villages)
    ).product
    MentoringVisitFactory(
        product=quiet, visited_on=days(-10), next_action="Bulan depan", next_action_due=days(30)
    )
    closed = MentoringVisitFactory(
        product=quiet, visited_on=days(-20), next_action="Sudah beres", next_action_due=days(-3)
    )
    services.visit_follow_up_close(visit=closed, done_on=days(-4), note="")
    LegalityDocumentFactory(product=quiet, number="PIRT-lama-berlaku", expires_on=days(400))
    # new flagship: its first visit falls due in 60 days, beyond the two weeks the list looks ahead
    DesignationFactory(
        approved=True, decree_date=TODAY, product__name="Baru ditetapkan", product__village=next(villages)
    )
    # kecamatan B
    other = DesignationFactory(
        approved=True,
        decree_date=days(-100),
        product__name="Unggulan Kramatwatu",
        product__village_id=KRAMATWATU_VILLAGE,
    ).product
    MentoringVisitFactory(
        product=other, visited_on=days(-90), next_action="Tindak lanjut Kramatwatu", next_action_due=days(-2)
    )
    LegalityDocumentFactory(product=other, number="PIRT-Kramatwatu", expires_on=days(-1))
    return objects


def test_an_officer_sees_everything_due_in_their_kecamatan_each_linked_to_where_it_is_done(
    area, officer_a_client
):
    response = officer_a_client.get(TODO)
    assert response.status_code == 200
    context = response.context
    assert [v.next_action for v in context["follow_ups"]] == [f"Tindak lanjut {n}" for n in range(3)]
    assert {p.name for p in context["flagships"]} == {"Unggulan 0", "Unggulan 1", "Unggulan 2"}
    assert [d.number for d in context["documents"]] == [
        "PIRT-0",  # expired 5 days ago
        "NIB-0",  # the producers' documents, expiring in 10, 11 and 12 days
        "NIB-1",
        "NIB-2",
        "PIRT-1",  # in 25 days
        "PIRT-2",  # in 55 days, within the 90 days' warning
    ]
    assert {p.name for p in context["assessments"]} >= {"Unggulan 0", "Unggulan 1", "Unggulan 2"}
    assert "Unggulan Kramatwatu" not in {p.name for p in context["assessments"]}

    html = response.content.decode()
    visit = context["follow_ups"][0]
    assert reverse("assistance:visit_follow_up_close", args=[visit.pk]) in html
    assert reverse("assistance:visit_follow_up_reschedule", args=[visit.pk]) in html
    product = area["products"][0]
    assert reverse("assistance:visit_create_for_product", args=[product.pk]) in html
    document = LegalityDocument.objects.get(number="PIRT-0")
    assert reverse("products:legality_update", args=[document.pk]) in html
    assert reverse("products:assessment_create", args=[product.pk]) in html
    for absent in ("Bulan depan", "Sudah beres", "PIRT-lama-berlaku", "Kramatwatu"):
        assert absent not in html
    # a flagship designated today is due an assessment, but not yet a visit
    assert "Baru ditetapkan" in {p.name for p in context["assessments"]}
    assert "Baru ditetapkan" not in {p.name for p in context["flagships"]}


def test_a_flagship_shows_the_day_its_visit_falls_due(area, officer_a_client):
    flagships = officer_a_client.get(TODO).context["flagships"]
    assert [(p.name, p.visit_due_on) for p in flagships] == [
        ("Unggulan 2", days(-3)),
        ("Unggulan 1", days(-2)),
        ("Unggulan 0", days(-1)),
    ]


def test_a_flagship_falling_due_within_two_weeks_is_on_the_list_but_not_overdue(officer_a_client, settings):
    settings.OVOP_MENTORING_DAYS = 60
    product = DesignationFactory(approved=True, decree_date=days(-50), product__name="Segera").product
    response = officer_a_client.get(TODO)
    assert [(p.name, p.visit_due_on) for p in response.context["flagships"]] == [("Segera", days(10))]
    assert product.name not in officer_a_client.get(reverse("assistance:overdue")).content.decode()


def test_closing_a_follow_up_from_the_list_takes_it_off(area, officer_a_client):
    visit = officer_a_client.get(TODO).context["follow_ups"][0]
    response = officer_a_client.post(
        reverse("assistance:visit_follow_up_close", args=[visit.pk]),
        {"done_on": TODAY.isoformat(), "note": "Beres", "next": TODO},
    )
    assert response["Location"] == TODO
    assert visit not in officer_a_client.get(TODO).context["follow_ups"]


def test_the_dinas_sees_the_whole_regency(area, dinas_client):
    context = dinas_client.get(TODO).context
    assert "Tindak lanjut Kramatwatu" in [v.next_action for v in context["follow_ups"]]
    assert "Unggulan Kramatwatu" in {p.name for p in context["flagships"]}
    assert "PIRT-Kramatwatu" in [d.number for d in context["documents"]]


def test_an_officer_of_kecamatan_b_sees_only_kecamatan_b(area, officer_b_client):
    context = officer_b_client.get(TODO).context
    assert [v.next_action for v in context["follow_ups"]] == ["Tindak lanjut Kramatwatu"]
    assert [p.name for p in context["flagships"]] == ["Unggulan Kramatwatu"]
    assert [d.number for d in context["documents"]] == ["PIRT-Kramatwatu"]
    assert [p.name for p in context["assessments"]] == ["Unggulan Kramatwatu"]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(TODO)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_empty_area_says_there_is_nothing_to_do(officer_a_client):
    html = officer_a_client.get(TODO).content.decode()
    assert "Tidak ada tindak lanjut yang jatuh tempo." in html
    assert "Tidak ada penilaian yang jatuh tempo." in html


def test_the_list_is_linked_from_the_menu_and_the_home_page(officer_a_client):
    html = officer_a_client.get(reverse("officials:home")).content.decode()
    assert html.count(f'href="{TODO}"') == 2


def test_a_long_list_shows_the_first_rows_and_links_to_the_rest(officer_a_client, monkeypatch):
    import officials.selectors

    monkeypatch.setattr(officials.selectors, "TODO_ROWS", 2)
    for n in range(3):
        ProductFactory(name=f"Belum dinilai {n}")
    response = officer_a_client.get(TODO)
    assert len(response.context["assessments"]) == 2
    assert response.context["more_assessments"] is True
    assert reverse("products:assessment_due") in response.content.decode()


def test_the_list_asks_a_fixed_number_of_queries(area, officer_a_client, django_assert_num_queries, settings):
    settings.OVOP_FIGURES_CACHE_SECONDS = 0  # rendered afresh: the lists are not kept (see below)
    for n in range(3):  # more rows of every kind on top of the fixture's three
        product = DesignationFactory(
            approved=True,
            decree_date=days(-70),
            product__name=f"Tambahan {n}",
            product__village=ciruas_villages()[10 + n],
        ).product
        MentoringVisitFactory(
            product=product, visited_on=days(-80), next_action="Lagi", next_action_due=days(2)
        )
        LegalityDocumentFactory(product=product, number=f"T-{n}", expires_on=days(3))
    officer_a_client.get(TODO)  # warm the per-process caches (content types, translations)
    with django_assert_num_queries(16):
        # 1. the session
        # 2. the user
        # 3. the user's groups (villages.roles.scope_of)
        # 4. the officer's kecamatan (scope_of)
        # 5. follow-ups due, chosen; 5b. those, with their product or producer, village, kecamatan and
        #    officer (assistance.selectors.follow_ups_due)
        # 6. flagships due a visit, with their village and kecamatan (last visit, designation day)
        # 7. documents of the area's products expired or expiring, with the product and its village
        # 8. documents of the area's producers expired or expiring, with the producer and its village
        # 9. products due an assessment, with their village and category
        # 10. the villages needing help, with their kecamatan (the signals in SQL)
        # 11.-14. the shown villages' flagships and their needs-help signals (assistance.situations:
        #     the flagships with assessment and open flag, expired documents, visits due, outcomes)
        # 15. the regency's name for the page header
        response = officer_a_client.get(TODO)
    assert len(response.context["follow_ups"]) == 6
    assert len(response.context["flagships"]) == 6
    assert len(response.context["documents"]) == 9
    assert len(response.context["assessments"]) == 8  # every Ciruas product: none is assessed


def test_villages_needing_help_are_on_the_list_with_the_reason(officer_a_client, officer_b_client, dinas):
    """A flagship village flagged by an official joins its officer's to-do list, with why; an officer
    of another kecamatan does not see it."""
    flagship = DesignationFactory(approved=True, decree_date=days(-10), product__name="Kerupuk Bermasalah")
    services.help_flag_raise(village=flagship.village, reason="Bahan baku langka", raised_by=dinas)
    page = officer_a_client.get(TODO)
    assert [v.code for v in page.context["villages"]] == [flagship.village_id]
    assert "Ditandai oleh petugas: Bahan baku langka" in page.content.decode()
    assert officer_b_client.get(TODO).context["villages"] == []


def test_the_lists_are_kept_until_a_write_changes_what_they_list(
    area, officer_a_client, django_assert_num_queries
):
    """Like the dashboard's figures (core.caching.cached_figures): an official coming back to the list
    reads the kept lists; a write to what they list (here a follow-up closed) makes the next view
    count afresh."""
    first = officer_a_client.get(TODO)
    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 groups, 4 the officer's kecamatan, 5 the regency (the page's header)
        again = officer_a_client.get(TODO)
    for kind in ("follow_ups", "flagships", "documents", "assessments", "villages"):
        assert [row.pk for row in again.context[kind]] == [row.pk for row in first.context[kind]]
    visit = first.context["follow_ups"][0]
    MentoringVisit.objects.filter(pk=visit.pk).update(next_action_done=True)

    after = officer_a_client.get(TODO)

    assert visit.pk not in [v.pk for v in after.context["follow_ups"]]
