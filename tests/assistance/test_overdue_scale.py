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
