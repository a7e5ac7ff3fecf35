"""The overdue page reads each table's page and its total in one scan of the area, and hands the
template lists, never a lazy queryset (issue 19: a template must not run a query)."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import DesignationFactory, MentoringVisitFactory

pytestmark = pytest.mark.django_db


def _due(n: int) -> None:
    today = datetime.date.today()
    for i in range(n):
        product = DesignationFactory(
            approved=True, product__name=f"Unggulan {i}", product__village_id=f"36.04.09.{2001 + i}"
        ).product
        MentoringVisitFactory(
            product=product,
            visited_on=today - datetime.timedelta(days=200),
            next_action=f"Tindak lanjut {i}",
            next_action_due=today - datetime.timedelta(days=100),
        )


@pytest.mark.parametrize("rows", [3, 6])
def test_the_overdue_page_runs_a_fixed_number_of_queries(
    officer_a_client, settings, rows, django_assert_num_queries
):
    settings.OVOP_MENTORING_DAYS = 60
    _due(rows)
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 groups, 4 officer areas; 5 the due flagships' keys with their total
        # (one window count), 6 those flagships with village and kecamatan; 7 the late follow-ups'
        # keys with their total, 8 those visits with product, producer and officer; 9 the regency
        response = officer_a_client.get(reverse("assistance:overdue"))
    assert len(response.context["unvisited"]) == rows
    assert len(response.context["actions"]) == rows


def test_the_overdue_tables_reach_the_template_as_lists_with_their_totals(officer_a_client, settings):
    settings.OVOP_MENTORING_DAYS = 60
    _due(3)
    response = officer_a_client.get(reverse("assistance:overdue"), {"page": "7"})
    unvisited, actions = response.context["unvisited"], response.context["actions"]
    assert isinstance(unvisited.object_list, list) and isinstance(actions.object_list, list)
    assert unvisited.paginator.count == 3 and unvisited.number == 1
    assert actions.paginator.count == 3
    assert "Unggulan 0" in response.content.decode()


@pytest.mark.parametrize("order", ["last_visit", "-last_visit", "designated_on", "-designated_on", "name"])
def test_the_overdue_pages_grouped_reading_lists_the_same_flagships_as_the_to_do_rule(order, settings):
    """The overdue page reads the last visit as the greatest of the joined visits (HAVING leaves out
    the recently visited); the to-do list and the summaries look it up flagship by flagship. Both must
    list the same flagships with the same days, in any order the page sorts by."""
    from assistance.selectors import flagships_due_a_visit_sortable, flagships_without_recent_visit
    from products.models import Product

    today = datetime.date.today()
    _due(3)  # visited 200 days ago: due
    never = DesignationFactory(approved=True, product__village_id="36.04.09.2010").product  # never visited
    recent = DesignationFactory(approved=True, product__village_id="36.04.09.2011").product
    for days_ago in (300, 10):  # an old visit and a recent one: not due
        MentoringVisitFactory(product=recent, visited_on=today - datetime.timedelta(days=days_ago))
    twice = DesignationFactory(approved=True, product__village_id="36.04.09.2012").product
    for days_ago in (400, 120):  # two old visits: due, last visited 120 days ago
        MentoringVisitFactory(product=twice, visited_on=today - datetime.timedelta(days=days_ago))
    for product in (never, recent, twice):  # designated long ago, so that a visit falls due
        product.designations.update(decree_date=today - datetime.timedelta(days=500))

    def rows(queryset):
        return [(p.pk, p.last_visit, p.designated_on) for p in queryset.order_by(order, "pk")]

    grouped = rows(flagships_due_a_visit_sortable(Product.objects.all(), 90))
    looked_up = rows(flagships_without_recent_visit(Product.objects.all(), 90))
    assert grouped == looked_up
    assert {never.pk, twice.pk} <= {pk for pk, *_ in grouped} and recent.pk not in {pk for pk, *_ in grouped}
    assert {pk: last for pk, last, _day in grouped}[twice.pk] == today - datetime.timedelta(days=120)
