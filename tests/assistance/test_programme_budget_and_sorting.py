"""Every programme shows its budget, what was delivered and what remains, with a warning when
overspent; the programme list and the overdue lists sort by their columns."""

import datetime
import re

import pytest
from django.urls import reverse

from assistance.models import Delivery, Programme
from tests.factories import BUMIJAYA, DeliveryFactory, MentoringVisitFactory, ProgrammeFactory

VILLAGES = [BUMIJAYA, "36.04.09.2002", "36.04.09.2003"]


@pytest.fixture
def programmes(db, dinas):
    roomy = ProgrammeFactory(name="Kemasan", budget=30_000_000)
    DeliveryFactory(programme=roomy, value=10_000_000, officer=dinas)  # delivered
    DeliveryFactory(programme=roomy, value=2_500_000, status=Delivery.Status.PLANNED, officer=dinas)
    DeliveryFactory(programme=roomy, value=9_000_000, status=Delivery.Status.CANCELLED, officer=dinas)
    # Written around the budget check (as an old import could have): more committed than the budget.
    over = ProgrammeFactory(name="Pelatihan", budget=5_000_000, kind=Programme.Kind.TRAINING)
    DeliveryFactory(programme=over, value=7_500_000, officer=dinas, village_id=VILLAGES[1])
    untouched = ProgrammeFactory(name="Alat produksi", budget=2_500_000, fiscal_year=2025)
    return {"roomy": roomy, "over": over, "untouched": untouched}


def test_the_remaining_budget_is_the_budget_less_what_is_committed(programmes):
    totals = {p.name: p for p in Programme.objects.with_totals()}
    assert totals["Kemasan"].remaining == 30_000_000 - 12_500_000  # cancelled deliveries do not count
    assert totals["Kemasan"].delivered == 10_000_000
    assert totals["Pelatihan"].remaining == -2_500_000
    assert totals["Alat produksi"].remaining == 2_500_000


def test_the_programme_page_shows_budget_delivered_and_remaining(officer_a_client, programmes):
    html = officer_a_client.get(programmes["roomy"].get_absolute_url()).content.decode()
    remaining = re.search(r'id="remaining-budget">(.*?)</dd>', html, re.S).group(1)
    assert "Rp\xa017.500.000" in remaining
    assert "Melebihi pagu" not in html
    assert "Rp\xa030.000.000" in html and "Rp\xa010.000.000" in html


def test_an_overspent_programme_is_marked_on_its_page_and_in_the_list(dinas_client, programmes):
    page = dinas_client.get(programmes["over"].get_absolute_url()).content.decode()
    remaining = re.search(r'id="remaining-budget">(.*?)</dd>', page, re.S).group(1)
    assert "Melebihi pagu" in remaining and "text-danger" in page
    assert "melebihi pagu sebesar Rp\xa02.500.000" in remaining
    listing = dinas_client.get(reverse("assistance:programme_list")).content.decode()
    row = re.search(r"<tr>\s*<td><a[^>]*>Pelatihan</a>.*?</tr>", listing, re.S).group(0)
    assert "-Rp\xa02.500.000" in row and "Melebihi pagu" in row
    kemasan = re.search(r"<tr>\s*<td><a[^>]*>Kemasan</a>.*?</tr>", listing, re.S).group(0)
    assert "Rp\xa017.500.000" in kemasan and "Melebihi pagu" not in kemasan


def test_the_programme_list_sorts_by_remaining_budget(dinas_client, programmes):
    url = reverse("assistance:programme_list")
    ascending = dinas_client.get(url, {"sort": "remaining"})
    assert [p.name for p in ascending.context["page_obj"]] == ["Pelatihan", "Alat produksi", "Kemasan"]
    descending = dinas_client.get(url, {"sort": "-remaining", "kind": Programme.Kind.PACKAGING})
    assert [p.name for p in descending.context["page_obj"]] == ["Kemasan", "Alat produksi"]
    assert 'aria-sort="descending"' in descending.content.decode()


def test_an_unknown_programme_sort_keeps_the_default_order(dinas_client, programmes):
    response = dinas_client.get(reverse("assistance:programme_list"), {"sort": "budget__gt"})
    assert response.status_code == 200
    # the default: newest fiscal year first, then by name
    assert [p.name for p in response.context["page_obj"]] == ["Kemasan", "Pelatihan", "Alat produksi"]


def test_sorting_the_programmes_adds_no_query(dinas_client, programmes, django_assert_num_queries):
    with django_assert_num_queries(6):
        # as the list's pin: session, user, groups, paginator count, programmes with totals, regency
        dinas_client.get(reverse("assistance:programme_list"), {"sort": "-remaining"})


def test_the_overdue_tables_sort_each_by_its_own_parameter(officer_a_client, db):
    today = datetime.date.today()
    for name, due in [("Kemasan", 3), ("Label", 9), ("Anyaman", 5)]:
        MentoringVisitFactory(
            visited_on=today - datetime.timedelta(days=20),
            next_action=name,
            next_action_due=today - datetime.timedelta(days=due),
        )
    url = reverse("assistance:overdue")
    default = officer_a_client.get(url)
    assert [v.next_action for v in default.context["actions"]] == ["Label", "Anyaman", "Kemasan"]
    by_action = officer_a_client.get(url, {"sort_tl": "action", "sort": "nonsense"})
    assert [v.next_action for v in by_action.context["actions"]] == ["Anyaman", "Kemasan", "Label"]
    assert 'href="?sort_tl=-action&amp;sort=nonsense"' in by_action.content.decode()


def test_an_anonymous_visitor_sees_no_programme_budget(client, programmes):
    response = client.get(programmes["roomy"].get_absolute_url())
    assert response.status_code == 302 and "next=" in response.url


def test_the_exploration_lists_sort_by_their_columns(officer_a_client, db):
    villages = officer_a_client.get(reverse("assistance:exploration_villages"), {"sort": "-village"})
    names = [village.name for village in villages.context["page_obj"]]
    assert names and names == sorted(names, key=str.casefold, reverse=True)
    unknown = officer_a_client.get(reverse("assistance:story_list"), {"sort": "nope"})
    assert unknown.status_code == 200 and unknown.context["sorting"].key == ""


def test_the_overdue_follow_ups_page_by_their_own_parameter(officer_a_client, db):
    """Nationally tens of thousands of rows may be due: each table has its own pages."""
    today = datetime.date.today()
    for n in range(32):
        MentoringVisitFactory(
            visited_on=today - datetime.timedelta(days=60),
            next_action=f"Tindak lanjut {n:02d}",
            next_action_due=today - datetime.timedelta(days=40 - n),
        )
    url = reverse("assistance:overdue")
    first = officer_a_client.get(url)
    assert len(first.context["actions"].object_list) == 30
    html = first.content.decode()
    assert 'href="?page_tl=2"' in html  # the follow-ups' own page parameter
    second = officer_a_client.get(url, {"page_tl": "2", "page": "1"})
    assert [v.next_action for v in second.context["actions"]] == ["Tindak lanjut 30", "Tindak lanjut 31"]
    assert second.context["unvisited"].number == 1
    # Sorting the follow-ups goes back to their own first page and leaves the other table's page.
    assert 'href="?page=1&amp;sort_tl=due"' in second.content.decode()
